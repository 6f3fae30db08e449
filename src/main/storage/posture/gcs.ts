/**
 * GCS bucket posture from one metadata read: versioning, location type, default KMS key,
 * retention policy, uniform bucket-level access. The emulator keeps no bucket metadata, so there
 * every rule is 'unknown' (visible only on real GCS).
 */
import type { Bucket } from '@google-cloud/storage';
import { type PostureRule, rule } from './types.js';

interface BucketMeta {
  versioning?: { enabled?: boolean };
  locationType?: string;
  location?: string;
  encryption?: { defaultKmsKeyName?: string };
  retentionPolicy?: { retentionPeriod?: string | number; isLocked?: boolean };
  iamConfiguration?: { uniformBucketLevelAccess?: { enabled?: boolean } };
}

const IDS: [string, string][] = [
  ['gcs.versioning', 'Object versioning'],
  ['gcs.location', 'Multi-region or dual-region location'],
  ['gcs.kms', 'Default KMS key (CMEK)'],
  ['gcs.retention', 'Retention policy'],
  ['gcs.uniform-access', 'Uniform bucket-level access'],
];

export async function checkGcsPosture(
  bucket: Bucket,
  opts: { emulator?: boolean } = {},
): Promise<PostureRule[]> {
  let meta: BucketMeta;
  try {
    [meta] = (await bucket.getMetadata()) as unknown as [BucketMeta];
  } catch (e) {
    const status = (e as { code?: unknown }).code;
    const detail = opts.emulator
      ? 'The storage emulator does not keep bucket settings; this can only be seen on real Google Cloud Storage.'
      : status === 403
        ? 'Not allowed to read the bucket settings (storage.buckets.get).'
        : `Could not read the bucket settings (${typeof status === 'number' ? `HTTP ${status}` : 'error'}).`;
    const fix =
      status === 403 ? 'Grant storage.buckets.get (e.g. roles/storage.legacyBucketReader) to see it.' : '';
    return IDS.map(([id, title]) => rule(id, title, 'unknown', detail, fix));
  }
  const name = bucket.name;
  const out: PostureRule[] = [];
  out.push(
    meta.versioning?.enabled
      ? rule('gcs.versioning', 'Object versioning', 'pass', 'Object versioning is enabled.')
      : rule(
          'gcs.versioning',
          'Object versioning',
          'fail',
          'Object versioning is off.',
          `gcloud storage buckets update gs://${name} --versioning`,
        ),
  );
  const lt = (meta.locationType ?? '').toLowerCase();
  out.push(
    lt === 'multi-region' || lt === 'dual-region'
      ? rule(
          'gcs.location',
          'Multi-region or dual-region location',
          'pass',
          `${meta.locationType} ${meta.location ?? ''}`.trim(),
        )
      : rule(
          'gcs.location',
          'Multi-region or dual-region location',
          'warn',
          `Single region ${meta.location ?? ''}: a regional outage makes backups unavailable.`.replace(
            '  ',
            ' ',
          ),
          'Use a dual-/multi-region bucket, or replicate the repository to a second region.',
        ),
  );
  const kms = meta.encryption?.defaultKmsKeyName;
  out.push(
    kms
      ? rule('gcs.kms', 'Default KMS key (CMEK)', 'pass', `Default key ${kms}.`)
      : rule(
          'gcs.kms',
          'Default KMS key (CMEK)',
          'warn',
          'Google-managed encryption keys (Mvono encrypts client-side regardless).',
          `gcloud storage buckets update gs://${name} --default-encryption-key=<key>`,
        ),
  );
  const rp = meta.retentionPolicy;
  out.push(
    rp?.retentionPeriod
      ? rule(
          'gcs.retention',
          'Retention policy',
          'pass',
          `Retention ${Math.round(Number(rp.retentionPeriod) / 86400)} days${rp.isLocked ? ' (locked)' : ' (not locked)'}.`,
        )
      : rule(
          'gcs.retention',
          'Retention policy',
          'warn',
          'No retention policy: objects can be deleted at any time.',
          `gcloud storage buckets update gs://${name} --retention-period=30d`,
        ),
  );
  out.push(
    meta.iamConfiguration?.uniformBucketLevelAccess?.enabled
      ? rule(
          'gcs.uniform-access',
          'Uniform bucket-level access',
          'pass',
          'Uniform bucket-level access is on (no per-object ACLs).',
        )
      : rule(
          'gcs.uniform-access',
          'Uniform bucket-level access',
          'fail',
          'Per-object ACLs are allowed.',
          `gcloud storage buckets update gs://${name} --uniform-bucket-level-access`,
        ),
  );
  return out;
}
