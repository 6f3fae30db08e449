/**
 * PostureService: per storage target, what the procedures ask of backup storage — reachable,
 * encrypted repository (AES-256, keys in keychain/KMS, rotation every 90 days), off-site copies
 * (primary S3 + secondary GCS, a different provider), transport encryption.
 */
import type { StorageTarget, TargetPosture } from '../../shared/contract/settings.js';
import type { KeyService, PostureService } from '../host/ports.js';
import { toAppError } from '../platform/errors.js';
import type { AppDeps } from './deps.js';

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
              ? `Rotation was due ${k.nextRotationDue}.`
              : `Next rotation due ${k.nextRotationDue}.`,
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
        checks.push(placement(t, all));
        const tr = transport(t);
        if (tr) checks.push(tr);
        out.push({ targetId: t.id, checkedAt: d.clock.now().toISOString(), checks });
      }
      return out;
    },
  };
}
