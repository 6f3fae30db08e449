/**
 * Maps @google-cloud/storage (gaxios) and network errors to StorageErrors. Messages carry the
 * HTTP status or errno and the gs:// location only; never the SDK's text or any credential.
 */
import { StorageError } from './errors.js';
import { networkCode } from './s3-errors.js';
import { cancelledError } from './util.js';

export interface GcsErrorContext {
  op: string;
  bucket: string;
  where: string;
}

interface GaxiosShape {
  name?: string;
  code?: number | string;
  status?: number;
  message?: string;
  response?: { status?: number };
}

export function gcsStatus(e: unknown): number | undefined {
  const s = (typeof e === 'object' && e !== null ? e : {}) as GaxiosShape;
  if (typeof s.code === 'number') return s.code;
  if (typeof s.status === 'number') return s.status;
  return s.response?.status;
}

export function mapGcsError(e: unknown, ctx: GcsErrorContext, signal?: AbortSignal): StorageError {
  if (e instanceof StorageError) return e;
  if (signal?.aborted) return cancelledError();
  const s = (typeof e === 'object' && e !== null ? e : {}) as GaxiosShape;
  const status = gcsStatus(e);
  const text = typeof s.message === 'string' ? s.message : '';
  const opts = { cause: e };
  if (s.name === 'AbortError') return cancelledError();
  if (/could not load the default credentials|invalid_grant|invalid_client|private key/i.test(text)) {
    return new StorageError('CONFIG', `No usable Google Cloud credentials for bucket "${ctx.bucket}".`, {
      ...opts,
      hint:
        'Store the service-account JSON in the keychain and add credentials=<entry> to the location, or set ' +
        'GOOGLE_APPLICATION_CREDENTIALS / use workload identity.',
    });
  }
  if (status === 404 && /bucket does not exist/i.test(text)) {
    return new StorageError('CONFIG', `GCS bucket "${ctx.bucket}" does not exist (${ctx.op} ${ctx.where}).`, {
      ...opts,
      hint: `Create the bucket "${ctx.bucket}" or correct the bucket name in the storage location.`,
    });
  }
  if (status === 404) return new StorageError('NOT_FOUND', `${ctx.where} does not exist.`, opts);
  if (status === 401 || status === 403) {
    return new StorageError(
      'PERMISSION_DENIED',
      `GCS denied ${ctx.op} on ${ctx.where} in bucket "${ctx.bucket}" (HTTP ${status}).`,
      {
        ...opts,
        hint:
          'Check the service account stored for this location and that it has roles/storage.objectAdmin ' +
          `(or objectCreator + objectViewer + delete) on "${ctx.bucket}".`,
      },
    );
  }
  if (status === 400 && /clock|skew|jwt.*(expired|not yet valid)|iat|exp/i.test(text)) {
    return new StorageError(
      'CONFIG',
      `Google rejected the credentials for bucket "${ctx.bucket}": the clock may be wrong.`,
      {
        ...opts,
        hint: 'Synchronise the system clock (enable NTP / time sync), then retry.',
      },
    );
  }
  const net = networkCode(e);
  const timeout = s.name === 'TimeoutError' || /timeout|timed out/i.test(text);
  if (
    net !== undefined ||
    timeout ||
    status === 408 ||
    status === 429 ||
    (status !== undefined && status >= 500)
  ) {
    const why = net ?? (status !== undefined ? `HTTP ${status}` : 'timeout');
    return new StorageError('TRANSIENT', `GCS ${ctx.op} of ${ctx.where} failed temporarily (${why}).`, {
      ...opts,
      hint: 'The service or network is busy or flaky; the operation is retried automatically.',
    });
  }
  if (/crc32c|md5|checksum|mismatch/i.test(text)) {
    return new StorageError(
      'INTEGRITY',
      `GCS reported a checksum mismatch while ${ctx.op} ${ctx.where}.`,
      opts,
    );
  }
  return new StorageError(
    'INTERNAL',
    `GCS ${ctx.op} of ${ctx.where} failed (${status !== undefined ? `HTTP ${status}` : (s.name ?? 'error')}).`,
    opts,
  );
}
