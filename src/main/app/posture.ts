/**
 * PostureService: per storage target, what the procedures ask of backup storage — reachable,
 * encrypted repository (AES-256, keys in keychain/KMS, rotation every 90 days), off-site copies
 * (primary S3 + secondary GCS, a different provider), transport encryption.
 */
import type { StorageTarget, TargetPosture } from '../../shared/contract/settings.js';
import type { KeyService, PostureService } from '../host/ports.js';
import { toAppError } from '../platform/errors.js';
import { formatZoned } from '../scheduler/time-format.js';
import { GcsStorage } from '../storage/gcs.js';
import { checkGcsPosture } from '../storage/posture/gcs.js';
import { checkS3Posture } from '../storage/posture/s3.js';
import type { PostureRule } from '../storage/posture/types.js';
import { RetryingStorage } from '../storage/retry.js';
import { S3Storage } from '../storage/s3.js';
import type { AppDeps } from './deps.js';

/** A due date as operators read it: in the plans' zone (Africa/Nairobi), with the zone named. */
const when = (iso: string | undefined): string => (iso ? formatZoned(new Date(iso)) : 'unknown');

type Check = TargetPosture['checks'][number];

async function reach(d: AppDeps, t: StorageTarget): Promise<{ check: Check; initialized: boolean }> {
  try {
    const { storage } = await d.repos.storage(t.id);
    try {
      const initialized = await d.repos.initialized(storage);
      return {
        initialized,
        check: {
          id: 'reachable',
          title: 'Storage reachable',
          status: 'ok',
          detail: `Reached ${t.location}.`,
        },
      };
    } finally {
      await storage.close?.().catch(() => {});
    }
  } catch (e) {
    const err = toAppError(e);
    return {
      initialized: false,
      check: {
        id: 'reachable',
        title: 'Storage reachable',
        status: 'failed',
        detail: err.code === 'INTERNAL' ? `Could not reach ${t.location}.` : err.message,
        ...(err.hint ? { hint: err.hint } : {}),
      },
    };
  }
}

const STATUS: Record<PostureRule['status'], Check['status']> = {
  pass: 'ok',
  warn: 'warning',
  fail: 'failed',
  unknown: 'unknown',
};

/** The bucket's own protection settings (versioning, encryption, replication, locks, access). */
async function bucketRules(d: AppDeps, t: StorageTarget): Promise<Check[]> {
  if (t.config.kind === 'local') return [];
  try {
    const { storage } = await d.repos.storage(t.id);
    try {
      const inner = storage instanceof RetryingStorage ? storage.inner : storage;
      let rules: PostureRule[] = [];
      if (inner instanceof S3Storage)
        rules = await checkS3Posture({ client: inner.client, bucket: inner.bucket });
      else if (inner instanceof GcsStorage)
        rules = await checkGcsPosture(inner.bucket, { emulator: inner.emulator });
      return rules.map((r) => ({
        id: r.id,
        title: r.title,
        status: STATUS[r.status],
        detail: r.detail,
        ...(r.fix ? { hint: r.fix } : {}),
      }));
    } finally {
      await storage.close?.().catch(() => {});
    }
  } catch {
    return []; // reachability is reported by reach()
  }
}

function placement(t: StorageTarget, all: StorageTarget[]): Check {
  const hasS3 = all.some((x) => x.config.kind === 's3');
  const hasGcs = all.some((x) => x.config.kind === 'gcs');
  if (t.config.kind === 'local') {
    return {
      id: 'offsite',
      title: 'Off-site copy',
      status: hasS3 && hasGcs ? 'ok' : 'warning',
      detail: 'A local directory is on this machine: it is lost with it.',
      hint: 'Add the primary (Amazon S3) and secondary (Google Cloud Storage) targets the procedures require.',
    };
  }
  const other = t.config.kind === 's3' ? hasGcs : hasS3;
  return {
    id: 'offsite',
    title: 'Second cloud provider',
    status: other ? 'ok' : 'warning',
    detail: other ? 'Backups are kept with two cloud providers.' : 'Only one cloud provider holds backups.',
    ...(other ? {} : { hint: 'Add the secondary target with the other provider (S3 and GCS).' }),
  };
}

function transport(t: StorageTarget): Check | undefined {
  if (t.config.kind === 'local') return undefined;
  const plain = t.config.endpoint?.startsWith('http://');
  return {
    id: 'transport',
    title: 'Encrypted in transit',
    status: plain ? 'warning' : 'ok',
    detail: plain ? `The endpoint ${t.config.endpoint} uses plain HTTP.` : 'HTTPS to the storage service.',
    ...(plain ? { hint: 'Use an https:// endpoint (data is encrypted by the console either way).' } : {}),
  };
}

export function postureService(d: AppDeps, keys: KeyService): PostureService {
  return {
    async get(targetId) {
      const all = d.stores.targets.list();
      const status = await keys.status();
      const out: TargetPosture[] = [];
      for (const t of all.filter((x) => targetId === undefined || x.id === targetId)) {
        const r = await reach(d, t);
        const k = status.find((s) => s.targetId === t.id);
        const checks: Check[] = [r.check];
        checks.push(
          r.initialized
            ? {
                id: 'encryption',
                title: 'Encrypted repository',
                status: 'ok',
                detail: `AES-256-GCM; ${k?.slots.length ?? 0} key slot(s): ${[...new Set(k?.slots.map((s) => s.type))].join(', ')}.`,
              }
            : {
                id: 'encryption',
                title: 'Encrypted repository',
                status: r.check.status === 'ok' ? 'warning' : 'unknown',
                detail: 'No encrypted repository on this target yet.',
                hint: 'Create it in Settings > Keys and rotation.',
              },
        );
        if (k?.initialized) {
          checks.push({
            id: 'rotation',
            title: 'Key rotation (every 90 days)',
            status: k.rotationOverdue ? 'failed' : 'ok',
            detail: k.rotationOverdue
              ? `Rotation was due ${when(k.nextRotationDue)}.`
              : `Next rotation due ${when(k.nextRotationDue)}.`,
            ...(k.rotationOverdue ? { hint: 'Rotate the keys in Settings > Keys and rotation.' } : {}),
          });
          if (!k.slots.some((s) => s.type === 'kms')) {
            checks.push({
              id: 'kms',
              title: 'Keys managed by AWS KMS',
              status: 'warning',
              detail: 'The repository key is protected by the OS keychain and the recovery key only.',
              hint: 'Add an AWS KMS key slot (the procedures manage keys through AWS KMS).',
            });
          }
        }
        checks.push(...(await bucketRules(d, t)));
        checks.push(placement(t, all));
        const tr = transport(t);
        if (tr) checks.push(tr);
        out.push({ targetId: t.id, checkedAt: d.clock.now().toISOString(), checks });
      }
      return out;
    },
  };
}
