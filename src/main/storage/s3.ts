/**
 * S3Storage: objects in an S3 bucket (AWS or S3-compatible: Ceph radosgw, MinIO...) under a prefix.
 *
 * Write-once: put first HEADs the key (ALREADY_EXISTS if present), then writes with
 * `If-None-Match: *` (enforced by AWS since 2024; older/self-hosted servers may ignore it).
 * Between the HEAD and the write another writer could slip in on a server that ignores the
 * condition; the repository's write-once names are content-addressed (same name => same bytes),
 * so that race is benign. Objects over `multipartThreshold` go up as a multipart upload
 * (lib-storage), which becomes visible only when completed. Retries belong to RetryingStorage:
 * the SDK's own retry is off (maxAttempts 1) so attempts are counted and logged in one place.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { StorageError } from './errors.js';
import { assertValidName, type CallOptions, type GetOptions, type ObjectInfo, type Storage } from './port.js';
import { mapS3Error } from './s3-errors.js';
import {
  abortable,
  assertValidPrefix,
  checkRange,
  joinKey,
  normalisePrefix,
  throwIfCancelled,
} from './util.js';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3StorageOptions {
  bucket: string;
  prefix?: string;
  region?: string;
  /** For S3-compatible servers, e.g. https://s3.example.net or http://127.0.0.1:7480 (loopback only). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Explicit keys; otherwise the SDK's default chain (env, profiles, instance/container roles). */
  credentials?: S3Credentials;
  sse?: { mode: 'AES256' | 'aws:kms'; kmsKeyId?: string };
  /** Objects larger than this use multipart upload (default 16 MiB). */
  multipartThreshold?: number;
  partSize?: number;
  /** Socket idle timeout per request (default 60 s) and connect timeout (default 10 s). */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Receives configuration warnings (e.g. plain-http endpoint). */
  warn?: (message: string) => void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Checks an endpoint URL: https anywhere, http only on loopback (with a warning). */
export function checkEndpoint(endpoint: string, warn?: (m: string) => void, service = 'S3'): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new StorageError('CONFIG', `The ${service} endpoint is not a valid URL.`, {
      hint: 'Use e.g. https://s3.example.net or, for a local test server, http://127.0.0.1:7480.',
    });
  }
  if (url.username || url.password) {
    throw new StorageError(
      'CONFIG',
      `The ${service} endpoint URL must not contain a user name or password.`,
      {
        hint: 'Store the access keys in the keychain and name the entry with credentials=<name>.',
      },
    );
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) {
    warn?.(
      `${service} endpoint ${url.origin} uses plain HTTP; accepted only because it is on this machine (loopback).`,
    );
    return url;
  }
  throw new StorageError('CONFIG', `The ${service} endpoint ${url.protocol}//${url.host} is not HTTPS.`, {
    hint: 'Use an https:// endpoint; plain http is accepted only for 127.0.0.1, localhost or ::1.',
  });
}

export class S3Storage implements Storage {
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly client: S3Client;
  private readonly endpoint: string | undefined;
  private readonly sse: S3StorageOptions['sse'];
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private bucketKnown = false;

  constructor(opts: S3StorageOptions) {
    this.bucket = opts.bucket;
    this.prefix = normalisePrefix(opts.prefix);
    this.region = opts.region ?? 'us-east-1';
    const url = opts.endpoint === undefined ? undefined : checkEndpoint(opts.endpoint, opts.warn);
    this.endpoint = url?.origin;
    this.sse = opts.sse;
    if (this.sse?.kmsKeyId && this.sse.mode !== 'aws:kms') {
      throw new StorageError('CONFIG', 'kmsKeyId is only valid with sse=aws:kms.');
    }
    this.multipartThreshold = opts.multipartThreshold ?? 16 * 1024 * 1024;
    this.partSize = Math.max(5 * 1024 * 1024, opts.partSize ?? 8 * 1024 * 1024);
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}${url ? ` (${url.host})` : ''}`;
    this.client = new S3Client({
      region: this.region,
      endpoint: url?.origin,
      forcePathStyle: opts.forcePathStyle ?? url !== undefined,
      credentials: opts.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      requestHandler: {
        requestTimeout: opts.requestTimeoutMs ?? 60_000,
        connectionTimeout: opts.connectTimeoutMs ?? 10_000,
        // Without this the SDK only logs a warning and a hung server hangs the backup forever.
        throwOnRequestTimeout: true,
      },
    });
  }

  private key(name: string): string {
    assertValidName(name);
    return joinKey(this.prefix, name);
  }

  private fail(e: unknown, op: string, key: string, signal?: AbortSignal): StorageError {
    return mapS3Error(
      e,
      {
        op,
        bucket: this.bucket,
        where: `s3://${this.bucket}/${key}`,
        region: this.region,
        endpoint: this.endpoint,
      },
      signal,
    );
  }

  /** HeadObject answers a bare 404 for a missing bucket too; tell the two apart once. */
  private async notFoundOrNoBucket(
    e: StorageError,
    key: string,
    signal?: AbortSignal,
  ): Promise<StorageError> {
    if (e.code !== 'NOT_FOUND' || this.bucketKnown) return e;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: signal });
      this.bucketKnown = true;
      return e;
    } catch (b) {
      const mapped = this.fail(b, 'check bucket', key, signal);
      if (mapped.code !== 'NOT_FOUND') return mapped;
      return this.fail({ name: 'NoSuchBucket' }, 'check bucket', key, signal);
    }
  }

  private async head(key: string, signal?: AbortSignal): Promise<number> {
    try {
      const r = await abortable(
        signal,
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal }),
      );
      this.bucketKnown = true;
      return r.ContentLength ?? 0;
    } catch (e) {
      throw await this.notFoundOrNoBucket(this.fail(e, 'stat', key, signal), key, signal);
    }
  }

  async put(name: string, data: Uint8Array, opts?: CallOptions): Promise<void> {
    const key = this.key(name);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    const exists = await this.head(key, signal).then(
      () => true,
      (e: StorageError) => {
        if (e.code === 'NOT_FOUND') return false;
        throw e;
      },
    );
    if (exists) throw new StorageError('ALREADY_EXISTS', `s3://${this.bucket}/${key} already exists.`);
    const params: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: key,
      Body: data,
      ContentLength: data.length,
      ContentType: 'application/octet-stream',
      IfNoneMatch: '*',
      ...(this.sse ? { ServerSideEncryption: this.sse.mode } : {}),
      ...(this.sse?.kmsKeyId ? { SSEKMSKeyId: this.sse.kmsKeyId } : {}),
    };
    try {
      if (data.length <= this.multipartThreshold) {
        await abortable(signal, this.client.send(new PutObjectCommand(params), { abortSignal: signal }));
      } else {
        const ctl = new AbortController();
        const onAbort = () => ctl.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          const upload = new Upload({
            client: this.client,
            params,
            partSize: this.partSize,
            queueSize: 4,
            abortController: ctl,
          });
          await abortable(signal, upload.done());
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      }
      this.bucketKnown = true;
    } catch (e) {
      const mapped = this.fail(e, 'write', key, signal);
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (mapped.code !== 'CANCELLED' && status === 412) {
        throw new StorageError('ALREADY_EXISTS', `s3://${this.bucket}/${key} already exists.`, { cause: e });
      }
      throw mapped;
    }
  }

  async get(name: string, opts?: GetOptions): Promise<Uint8Array> {
    const key = this.key(name);
    const { offset, length } = checkRange(opts);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    if (length === 0) {
      await this.head(key, signal);
      return new Uint8Array(0);
    }
    const range =
      offset === 0 && length === undefined
        ? undefined
        : `bytes=${offset}-${length === undefined ? '' : offset + length - 1}`;
    try {
      const read = async () => {
        const r = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }),
          {
            abortSignal: signal,
          },
        );
        return r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
      };
      const out = await abortable(signal, read());
      this.bucketKnown = true;
      return out;
    } catch (e) {
      const mapped = this.fail(e, 'read', key, signal);
      // 416: the range starts at/after the end (or the object is empty): the object exists.
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (mapped.code !== 'CANCELLED' && status === 416) return new Uint8Array(0);
      throw mapped;
    }
  }

  async stat(name: string, opts?: CallOptions): Promise<ObjectInfo> {
    const key = this.key(name);
    throwIfCancelled(opts?.signal);
    return { name, size: await this.head(key, opts?.signal) };
  }

  async *list(prefix: string, opts?: CallOptions): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    const keyPrefix = joinKey(this.prefix, prefix);
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        const cmd = new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: keyPrefix,
          ContinuationToken: token,
        });
        page = await abortable(signal, this.client.send(cmd, { abortSignal: signal }));
      } catch (e) {
        throw this.fail(e, 'list', `${keyPrefix}*`, signal);
      }
      this.bucketKnown = true;
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        const name = o.Key.slice(strip);
        try {
          assertValidName(name);
        } catch {
          continue; // "folder" markers and foreign keys are not ours
        }
        yield { name, size: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      throwIfCancelled(signal);
    } while (token);
  }

  async delete(name: string, opts?: CallOptions): Promise<void> {
    const key = this.key(name);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    try {
      await abortable(
        signal,
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal }),
      );
    } catch (e) {
      const mapped = this.fail(e, 'delete', key, signal);
      if (mapped.code !== 'NOT_FOUND') throw mapped;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
