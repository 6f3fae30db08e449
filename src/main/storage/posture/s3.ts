/**
 * S3 bucket posture: versioning, default encryption, replication, object lock, public access
 * block, TLS-only policy. Each check is one read-only API call; "not implemented" answers from
 * S3-compatible servers (radosgw, MinIO...) become 'unknown', as do denied reads.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type PostureRule, rule } from './types.js';

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const NOT_CONFIGURED = new Set([
  'ServerSideEncryptionConfigurationNotFoundError',
  'ReplicationConfigurationNotFoundError',
  'ObjectLockConfigurationNotFoundError',
  'NoSuchPublicAccessBlockConfiguration',
  'NoSuchBucketPolicy',
]);

type Probe<T> =
  | { ok: true; value: T }
  | { ok: false; missing: true }
  | { ok: false; missing: false; rule: PostureRule };

async function probe<T>(
  id: string,
  title: string,
  permission: string,
  call: () => Promise<T>,
): Promise<Probe<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    const err = (typeof e === 'object' && e !== null ? e : {}) as SdkError;
    const name = err.Code ?? err.name ?? 'Unknown';
    const status = err.$metadata?.httpStatusCode;
    if (NOT_CONFIGURED.has(name)) return { ok: false, missing: true };
    if (name === 'NotImplemented' || status === 501 || name === 'MethodNotAllowed') {
      return {
        ok: false,
        missing: false,
        rule: rule(
          id,
          title,
          'unknown',
          'This S3 server does not implement this setting; it can only be seen on the real cloud service.',
        ),
      };
    }
    if (name === 'AccessDenied' || status === 403) {
      return {
        ok: false,
        missing: false,
        rule: rule(
          id,
          title,
          'unknown',
          `Not allowed to read this setting (${permission}).`,
          `Grant ${permission} to see it.`,
        ),
      };
    }
    return {
      ok: false,
      missing: false,
      rule: rule(id, title, 'unknown', `Could not read this setting (${name}).`),
    };
  }
}

export interface S3PostureTarget {
  client: S3Client;
  bucket: string;
}

export async function checkS3Posture({ client, bucket }: S3PostureTarget): Promise<PostureRule[]> {
  const b = { Bucket: bucket };
  const cli = (cmd: string) => `aws s3api ${cmd} --bucket ${bucket}`;
  const [ver, enc, rep, lock, pab, pol] = await Promise.all([
    probe('s3.versioning', 'Bucket versioning', 's3:GetBucketVersioning', () =>
      client.send(new GetBucketVersioningCommand(b)),
    ),
    probe('s3.encryption', 'Default encryption', 's3:GetEncryptionConfiguration', () =>
      client.send(new GetBucketEncryptionCommand(b)),
    ),
    probe('s3.replication', 'Replication to another bucket', 's3:GetReplicationConfiguration', () =>
      client.send(new GetBucketReplicationCommand(b)),
    ),
    probe('s3.object-lock', 'Object lock / retention', 's3:GetBucketObjectLockConfiguration', () =>
      client.send(new GetObjectLockConfigurationCommand(b)),
    ),
    probe('s3.public-access-block', 'Public access block', 's3:GetBucketPublicAccessBlock', () =>
      client.send(new GetPublicAccessBlockCommand(b)),
    ),
    probe('s3.tls-only', 'TLS-only bucket policy', 's3:GetBucketPolicy', () =>
      client.send(new GetBucketPolicyCommand(b)),
    ),
  ]);
  const out: PostureRule[] = [];

  const verFix = `Enable versioning so overwritten or deleted objects can be recovered: ${cli('put-bucket-versioning')} --versioning-configuration Status=Enabled`;
  if (ver.ok) {
    const st = ver.value.Status;
    out.push(
      st === 'Enabled'
        ? rule('s3.versioning', 'Bucket versioning', 'pass', 'Versioning is enabled.')
        : rule(
            's3.versioning',
            'Bucket versioning',
            'fail',
            st === 'Suspended' ? 'Versioning is suspended.' : 'Versioning was never enabled.',
            verFix,
          ),
    );
  } else
    out.push(
      ver.missing
        ? rule('s3.versioning', 'Bucket versioning', 'fail', 'Versioning was never enabled.', verFix)
        : ver.rule,
    );

  const encFix = `Set default encryption (SSE-KMS with your key): ${cli('put-bucket-encryption')} --server-side-encryption-configuration ...`;
  if (enc.ok || enc.missing) {
    const d = enc.ok
      ? enc.value.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
      : undefined;
    if (d?.SSEAlgorithm === 'aws:kms' || d?.SSEAlgorithm === 'aws:kms:dsse') {
      out.push(
        rule(
          's3.encryption',
          'Default encryption',
          'pass',
          `SSE-KMS with key ${d.KMSMasterKeyID ?? '(AWS managed key)'}.`,
        ),
      );
    } else if (d?.SSEAlgorithm) {
      out.push(
        rule(
          's3.encryption',
          'Default encryption',
          'pass',
          `Server-side encryption ${d.SSEAlgorithm} (S3-managed keys).`,
        ),
      );
    } else {
      out.push(
        rule(
          's3.encryption',
          'Default encryption',
          'warn',
          'No default server-side encryption (Mvono encrypts data client-side regardless).',
          encFix,
        ),
      );
    }
  } else out.push(enc.rule);

  const repFix =
    'Add a replication rule to a bucket in another region/account for disaster recovery (needs versioning on both).';
  if (rep.ok || rep.missing) {
    const rules = rep.ok
      ? (rep.value.ReplicationConfiguration?.Rules ?? []).filter((r) => r.Status === 'Enabled')
      : [];
    const dests = rules.map((r) => r.Destination?.Bucket).filter((x): x is string => Boolean(x));
    out.push(
      dests.length > 0
        ? rule(
            's3.replication',
            'Replication to another bucket',
            'pass',
            `Replicates to ${dests.join(', ')}.`,
          )
        : rule(
            's3.replication',
            'Replication to another bucket',
            'warn',
            'No enabled replication rule.',
            repFix,
          ),
    );
  } else out.push(rep.rule);

  const lockFix =
    'Object lock can only be enabled on a versioned bucket (on AWS also afterwards); create the repository bucket with --object-lock-enabled-for-bucket and set a default retention.';
  if (lock.ok && lock.value.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled') {
    const r = lock.value.ObjectLockConfiguration.Rule?.DefaultRetention;
    const ret = r
      ? `default retention ${r.Mode} ${r.Days ?? 0} days ${r.Years ?? 0} years`
      : 'no default retention';
    out.push(rule('s3.object-lock', 'Object lock / retention', 'pass', `Object lock is enabled (${ret}).`));
  } else if (lock.ok || lock.missing) {
    out.push(
      rule(
        's3.object-lock',
        'Object lock / retention',
        'warn',
        'Object lock is not enabled: anyone with delete rights can destroy backups.',
        lockFix,
      ),
    );
  } else out.push(lock.rule);

  const pabFix = `${cli('put-public-access-block')} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`;
  if (pab.ok) {
    const c = pab.value.PublicAccessBlockConfiguration;
    const all = c?.BlockPublicAcls && c.IgnorePublicAcls && c.BlockPublicPolicy && c.RestrictPublicBuckets;
    out.push(
      all
        ? rule(
            's3.public-access-block',
            'Public access block',
            'pass',
            'All four public access blocks are on.',
          )
        : rule(
            's3.public-access-block',
            'Public access block',
            'fail',
            'Public access is not fully blocked.',
            pabFix,
          ),
    );
  } else
    out.push(
      pab.missing
        ? rule(
            's3.public-access-block',
            'Public access block',
            'fail',
            'No public access block is configured.',
            pabFix,
          )
        : pab.rule,
    );

  const tlsFix = 'Add a bucket policy statement that denies s3:* when aws:SecureTransport is false.';
  if (pol.ok || pol.missing) {
    const tls = pol.ok && denyInsecure(pol.value.Policy);
    out.push(
      tls
        ? rule(
            's3.tls-only',
            'TLS-only bucket policy',
            'pass',
            'The bucket policy denies requests without TLS.',
          )
        : rule(
            's3.tls-only',
            'TLS-only bucket policy',
            'warn',
            pol.ok ? 'The bucket policy does not deny plain-HTTP requests.' : 'The bucket has no policy.',
            tlsFix,
          ),
    );
  } else out.push(pol.rule);
  return out;
}

/** True when a policy has a Deny statement conditioned on aws:SecureTransport = false. */
export function denyInsecure(policy: string | undefined): boolean {
  if (!policy) return false;
  try {
    const doc = JSON.parse(policy) as { Statement?: unknown };
    const stmts = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    return stmts.some((s) => {
      const st = s as { Effect?: string; Condition?: Record<string, Record<string, unknown>> };
      if (st?.Effect !== 'Deny') return false;
      const v = st.Condition?.Bool?.['aws:SecureTransport'];
      return (
        v === false || v === 'false' || (Array.isArray(v) && v.some((x) => x === 'false' || x === false))
      );
    });
  } catch {
    return false;
  }
}
