/**
 * StorageOpener: a Storage for a storage target. Local directories use LocalStorage; S3 the S3
 * adapter; GCS the GCS adapter. Cloud adapters are wrapped in
 * RetryingStorage (only TRANSIENT failures are retried). Credentials come from the keychain.
 */
import type { StorageCredentials, StorageTarget } from '../../shared/contract/settings.js';
import type { StorageOpener } from '../host/ports.js';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { LocalStorage } from '../storage/local.js';
import type { Storage } from '../storage/port.js';
import { RetryingStorage } from '../storage/retry.js';

function serviceAccount(json: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch (cause) {
    throw new AppError('CONFIG', 'The stored Google Cloud service-account JSON is not valid JSON.', {
      hint: 'Paste the service-account key file again in Settings > Storage.',
      cause,
    });
  }
}

export function storageOpener(clock: Clock, log: Logger): StorageOpener {
  const warn = (m: string) => log.warn(m);
  return {
    async open(target: StorageTarget, creds: StorageCredentials | undefined): Promise<Storage> {
      const c = target.config;
      if (c.kind === 'local') return new LocalStorage(c.path);
      if (c.kind === 's3') {
        const { S3Storage } = await import('../storage/s3.js');
        const s3 = new S3Storage({
          bucket: c.bucket,
          region: c.region,
          ...(c.prefix ? { prefix: c.prefix } : {}),
          ...(c.endpoint ? { endpoint: c.endpoint } : {}),
          forcePathStyle: c.forcePathStyle,
          ...(creds?.kind === 's3'
            ? {
                credentials: {
                  accessKeyId: creds.accessKeyId,
                  secretAccessKey: creds.secretAccessKey,
                  ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
                },
              }
            : {}),
          warn,
        });
        return new RetryingStorage(s3, { clock });
      }
      const { GcsStorage } = await import('../storage/gcs.js');
      const gcs = new GcsStorage({
        bucket: c.bucket,
        ...(c.prefix ? { prefix: c.prefix } : {}),
        ...(c.projectId ? { projectId: c.projectId } : {}),
        ...(c.endpoint ? { apiEndpoint: c.endpoint } : {}),
        ...(creds?.kind === 'gcs' ? { credentials: serviceAccount(creds.serviceAccountJson) } : {}),
        warn,
      });
      return new RetryingStorage(gcs, { clock });
    },
  };
}
