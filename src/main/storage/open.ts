/**
 * Opens a Storage from a location string, wrapped in RetryingStorage:
 *   /abs/path  or  local:/abs/path
 *   s3://bucket/prefix?region=eu-west-1&endpoint=https://s3.example.net&pathStyle=1
 *        &sse=AES256|aws:kms&kmsKeyId=<arn>&credentials=<keychain entry>
 *   gs://bucket/prefix?project=<id>&credentials=<keychain entry>
 * `credentials=<entry>` names an OS keychain entry (S3: JSON {accessKeyId, secretAccessKey};
 * GCS: the service-account JSON). Without it the SDKs' default chains apply (environment,
 * profiles, instance/workload identity). Locations never hold secrets themselves.
 * The cloud adapters load only when a location needs them: the AWS SDK and the GCS client cost
 * ~0.3 s and ~35 MiB of memory at start-up, which a local repository should not pay.
 */

import { isAbsolute } from 'node:path';
import type { Clock } from '../platform/clock.js';
import type { Keychain } from '../platform/keychain.js';
import { StorageError } from './errors.js';
import type { GcsStorage } from './gcs.js';
import { LocalStorage } from './local.js';
import type { Storage } from './port.js';
import type { PostureRule } from './posture/types.js';
import { type RetryEvent, RetryingStorage } from './retry.js';
import type { S3Credentials, S3Storage } from './s3.js';
import { normalisePrefix } from './util.js';

export type ParsedLocation =
  | { kind: 'local'; path: string }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      region?: string;
      endpoint?: string;
      pathStyle?: boolean;
      sse?: 'AES256' | 'aws:kms';
      kmsKeyId?: string;
      credentials?: string;
    }
  | { kind: 'gcs'; bucket: string; prefix: string; project?: string; credentials?: string };

export interface OpenDeps {
  keychain: Keychain;
  warn: (message: string) => void;
  clock?: Clock;
  onRetry?: (e: RetryEvent) => void;
  maxAttempts?: number;
}

const S3_PARAMS = new Set(['region', 'endpoint', 'pathStyle', 'sse', 'kmsKeyId', 'credentials']);
const GCS_PARAMS = new Set(['project', 'credentials']);
const BUCKET_RE = /^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/;

function bad(message: string, hint?: string): StorageError {
  return new StorageError('CONFIG', message, {
    hint:
      hint ?? 'Use /abs/path, s3://bucket/prefix?region=... or gs://bucket/prefix (see the storage docs).',
  });
}

export function parseLocation(spec: string): ParsedLocation {
  const trimmed = spec.trim();
  if (trimmed.startsWith('local:') || isAbsolute(trimmed)) {
    const path = trimmed.startsWith('local:') ? trimmed.slice('local:'.length) : trimmed;
    if (!isAbsolute(path)) throw bad(`The local repository path "${path}" is not absolute.`);
    return { kind: 'local', path };
  }
  const m = /^(s3|gs):\/\/([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/.exec(trimmed);
  if (!m) throw bad('The storage location is not a path, s3:// or gs:// URL.');
  const [, scheme, bucket = '', path = '', query = ''] = m;
  if (!BUCKET_RE.test(bucket)) throw bad(`"${bucket}" is not a valid bucket name.`);
  const prefix = normalisePrefix(decodeURIComponent(path));
  if (prefix.split('/').some((s) => s === '..' || s === '.'))
    throw bad('The location prefix may not contain "." or "..".');
  const params = new URLSearchParams(query);
  const allowed = scheme === 's3' ? S3_PARAMS : GCS_PARAMS;
  for (const k of params.keys()) {
    if (!allowed.has(k))
      throw bad(
        `Unknown option "${k}" in the ${scheme}:// location.`,
        `Allowed: ${[...allowed].join(', ')}.`,
      );
  }
  const get = (k: string) => params.get(k) ?? undefined;
  if (scheme === 'gs')
    return { kind: 'gcs', bucket, prefix, project: get('project'), credentials: get('credentials') };
  const sse = get('sse');
  if (sse !== undefined && sse !== 'AES256' && sse !== 'aws:kms')
    throw bad(`sse must be AES256 or aws:kms, not "${sse}".`);
  if (get('kmsKeyId') && sse !== 'aws:kms') throw bad('kmsKeyId needs sse=aws:kms.');
  const pathStyle = get('pathStyle');
  return {
    kind: 's3',
    bucket,
    prefix,
    region: get('region'),
    endpoint: get('endpoint'),
    pathStyle: pathStyle === undefined ? undefined : pathStyle === '1' || pathStyle === 'true',
    sse,
    kmsKeyId: get('kmsKeyId'),
    credentials: get('credentials'),
  };
}

/** The location for display: no secrets (there are none in it), credentials named by entry. */
export function describeLocation(spec: string | ParsedLocation): string {
  const p = typeof spec === 'string' ? parseLocation(spec) : spec;
  if (p.kind === 'local') return p.path;
  const base = `${p.kind === 's3' ? 's3' : 'gs'}://${p.bucket}${p.prefix ? `/${p.prefix}` : ''}`;
  const bits: string[] = [];
  if (p.kind === 's3') {
    if (p.region) bits.push(`region ${p.region}`);
    if (p.endpoint) {
      try {
        bits.push(`endpoint ${new URL(p.endpoint).host}`);
      } catch {
        bits.push('endpoint (invalid)');
      }
    }
    if (p.sse) bits.push(`SSE ${p.sse}${p.kmsKeyId ? ` key ${p.kmsKeyId}` : ''}`);
  } else if (p.project) bits.push(`project ${p.project}`);
  bits.push(p.credentials ? `credentials from keychain entry "${p.credentials}"` : 'default credentials');
  return `${base} (${bits.join(', ')})`;
}

async function secretJson(keychain: Keychain, entry: string): Promise<Record<string, unknown>> {
  const value = await keychain.get(entry);
  if (value === undefined) {
    throw bad(
      `The keychain has no entry "${entry}" for this storage location.`,
      'Store the credentials again (storage add/credentials set).',
    );
  }
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through: never echo the value
  }
  throw bad(`The keychain entry "${entry}" does not hold JSON credentials.`, 'Store the credentials again.');
}

async function s3Credentials(keychain: Keychain, entry: string): Promise<S3Credentials> {
  const j = await secretJson(keychain, entry);
  if (typeof j.accessKeyId !== 'string' || typeof j.secretAccessKey !== 'string') {
    throw bad(`The keychain entry "${entry}" lacks accessKeyId/secretAccessKey.`, 'Store the S3 keys again.');
  }
  return {
    accessKeyId: j.accessKeyId,
    secretAccessKey: j.secretAccessKey,
    ...(typeof j.sessionToken === 'string' ? { sessionToken: j.sessionToken } : {}),
  };
}

/** Opens the adapter for `spec` (without retry). */
export async function openAdapter(spec: string, deps: OpenDeps): Promise<Storage> {
  const p = parseLocation(spec);
  if (p.kind === 'local') return new LocalStorage(p.path);
  if (p.kind === 's3') {
    const { S3Storage } = await import('./s3.js');
    return new S3Storage({
      bucket: p.bucket,
      prefix: p.prefix,
      region: p.region,
      endpoint: p.endpoint,
      forcePathStyle: p.pathStyle,
      credentials: p.credentials ? await s3Credentials(deps.keychain, p.credentials) : undefined,
      sse: p.sse ? { mode: p.sse, kmsKeyId: p.kmsKeyId } : undefined,
      warn: deps.warn,
    });
  }
  const credentials = p.credentials ? await secretJson(deps.keychain, p.credentials) : undefined;
  if (
    credentials &&
    (typeof credentials.client_email !== 'string' || typeof credentials.private_key !== 'string')
  ) {
    throw bad(
      `The keychain entry "${p.credentials}" is not a service-account key.`,
      'Store the service-account JSON again.',
    );
  }
  const project =
    p.project ?? (typeof credentials?.project_id === 'string' ? credentials.project_id : undefined);
  const { GcsStorage } = await import('./gcs.js');
  return new GcsStorage({
    bucket: p.bucket,
    prefix: p.prefix,
    projectId: project,
    credentials,
    warn: deps.warn,
  });
}

export async function openStorage(spec: string, deps: OpenDeps): Promise<Storage> {
  return new RetryingStorage(await openAdapter(spec, deps), {
    clock: deps.clock,
    maxAttempts: deps.maxAttempts,
    onRetry:
      deps.onRetry ??
      ((e) =>
        deps.warn(
          `Retrying ${e.operation} ${e.name} in ${e.delayMs} ms (attempt ${e.attempt}/${e.maxAttempts}): ${e.message}`,
        )),
  });
}

/**
 * The bucket posture rules (versioning, encryption, replication, locks, access) for a location;
 * an empty list for a local directory (nothing to check beyond the file system).
 */
export async function checkPosture(spec: string, deps: OpenDeps): Promise<PostureRule[]> {
  const kind = parseLocation(spec).kind;
  if (kind === 'local') return [];
  const s = await openAdapter(spec, deps); // an S3Storage or a GcsStorage, by `kind`
  try {
    if (kind === 's3') {
      const { checkS3Posture } = await import('./posture/s3.js');
      const s3 = s as S3Storage;
      return await checkS3Posture({ client: s3.client, bucket: s3.bucket });
    }
    const { checkGcsPosture } = await import('./posture/gcs.js');
    const gcs = s as GcsStorage;
    return await checkGcsPosture(gcs.bucket, { emulator: gcs.emulator });
  } finally {
    await (s as Storage).close?.().catch(() => {});
  }
}
