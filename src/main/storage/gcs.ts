/**
 * GcsStorage: objects in a Google Cloud Storage bucket under a prefix (@google-cloud/storage 7).
 *
 * Write-once: on real GCS a put carries `ifGenerationMatch: 0` (create only), so ALREADY_EXISTS is
 * exact. The emulator (STORAGE_EMULATOR_HOST set, used by the tests) rejects that precondition, so
 * there the adapter stats first and then writes: another writer could slip in between, which is
 * benign because write-once names are content-addressed (same name => same bytes).
 * Objects over `resumableThreshold` (8 MiB) use a resumable upload (no chunkSize: the whole
 * buffer is streamed in one session); smaller ones a single request. Either becomes visible only
 * when complete. The SDK's own retry is off; RetryingStorage retries TRANSIENT failures.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Bucket, type File, Storage as GcsClient } from '@google-cloud/storage';
import { StorageError } from './errors.js';
import { gcsStatus, mapGcsError } from './gcs-errors.js';
import { assertValidName, type CallOptions, type GetOptions, type ObjectInfo, type Storage } from './port.js';
import { checkEndpoint } from './s3.js';
import {
  abortable,
  assertValidPrefix,
  checkRange,
  concatChunks,
  joinKey,
  normalisePrefix,
  sliceRange,
  throwIfCancelled,
} from './util.js';

export interface GcsStorageOptions {
  bucket: string;
  prefix?: string;
  projectId?: string;
  /** Service-account JSON (parsed); otherwise Application Default Credentials. */
  credentials?: Record<string, unknown>;
  /** Custom endpoint (private service connect, etc.). The emulator is set by STORAGE_EMULATOR_HOST. */
  apiEndpoint?: string;
  resumableThreshold?: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
  /** Use create-only preconditions (default: true unless STORAGE_EMULATOR_HOST is set). */
  preconditions?: boolean;
  warn?: (message: string) => void;
}

export class GcsStorage implements Storage {
  readonly location: string;
  readonly prefix: string;
  readonly emulator: boolean;
  private readonly bucketName: string;
  /** The SDK bucket handle (posture checks read its metadata). */
  readonly bucket: Bucket;
  private readonly client: GcsClient;
  private readonly resumableThreshold: number;
  private readonly preconditions: boolean;

  constructor(opts: GcsStorageOptions) {
    this.bucketName = opts.bucket;
    this.prefix = normalisePrefix(opts.prefix);
    const emulatorHost = process.env.STORAGE_EMULATOR_HOST;
    this.emulator = Boolean(emulatorHost);
    if (emulatorHost) checkEndpoint(emulatorHost, opts.warn, 'GCS emulator');
    if (opts.apiEndpoint) checkEndpoint(opts.apiEndpoint, opts.warn, 'GCS');
    this.preconditions = opts.preconditions ?? !this.emulator;
    this.resumableThreshold = opts.resumableThreshold ?? 8 * 1024 * 1024;
    this.location = `gs://${this.bucketName}${this.prefix ? `/${this.prefix}` : ''}`;
    this.client = new GcsClient({
      projectId: opts.projectId,
      credentials: opts.credentials,
      apiEndpoint: opts.apiEndpoint,
      timeout: opts.timeoutMs ?? 60_000,
      retryOptions: { autoRetry: false, maxRetries: 0 },
    });
    this.bucket = this.client.bucket(this.bucketName);
  }

  private file(name: string): { file: File; where: string } {
    assertValidName(name);
    const key = joinKey(this.prefix, name);
    return { file: this.bucket.file(key), where: `gs://${this.bucketName}/${key}` };
  }

  private fail(e: unknown, op: string, where: string, signal?: AbortSignal): StorageError {
    return mapGcsError(e, { op, bucket: this.bucketName, where }, signal);
  }

  private async size(file: File, where: string, signal?: AbortSignal): Promise<number> {
    try {
      const [meta] = await abortable(signal, file.getMetadata());
      return Number(meta.size ?? 0);
    } catch (e) {
      throw this.fail(e, 'stat', where, signal);
    }
  }

  async put(name: string, data: Uint8Array, opts?: CallOptions): Promise<void> {
    const { file, where } = this.file(name);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    if (!this.preconditions) {
      const exists = await this.size(file, where, signal).then(
        () => true,
        (e: StorageError) => {
          if (e.code === 'NOT_FOUND') return false;
          throw e;
        },
      );
      if (exists) throw new StorageError('ALREADY_EXISTS', `${where} already exists.`);
    }
    const sink = file.createWriteStream({
      resumable: data.length > this.resumableThreshold,
      contentType: 'application/octet-stream',
      ...(this.preconditions ? { preconditionOpts: { ifGenerationMatch: 0 } } : {}),
    });
    const onAbort = () => sink.destroy(new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await abortable(
        signal,
        pipeline(Readable.from([Buffer.from(data.buffer, data.byteOffset, data.length)]), sink),
      );
    } catch (e) {
      if (!signal?.aborted && gcsStatus(e) === 412) {
        throw new StorageError('ALREADY_EXISTS', `${where} already exists.`, { cause: e });
      }
      throw this.fail(e, 'write', where, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async get(name: string, opts?: GetOptions): Promise<Uint8Array> {
    const { file, where } = this.file(name);
    const { offset, length } = checkRange(opts);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    const ranged = offset > 0 || length !== undefined;
    if (length === 0) {
      await this.size(file, where, signal);
      return new Uint8Array(0);
    }
    const chunks: Buffer[] = [];
    const source = file.createReadStream({
      validation: ranged ? false : 'crc32c',
      ...(ranged ? { start: offset, ...(length === undefined ? {} : { end: offset + length - 1 }) } : {}),
    });
    // A server that ignores the Range header (the emulator does past the end) answers 200 with
    // the whole object: then the range is cut out here.
    let whole = false;
    source.on('response', (r: { statusCode?: number; status?: number }) => {
      whole = (r.statusCode ?? r.status) === 200;
    });
    const onAbort = () => source.destroy(new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const collect = new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk);
          done();
        },
      });
      await abortable(signal, pipeline(source, collect));
      const data = concatChunks(chunks);
      return ranged && whole ? sliceRange(data, offset, length) : data;
    } catch (e) {
      // 416: the range starts at/after the end (or the object is empty): the object exists.
      if (!signal?.aborted && gcsStatus(e) === 416) return new Uint8Array(0);
      throw this.fail(e, 'read', where, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async stat(name: string, opts?: CallOptions): Promise<ObjectInfo> {
    const { file, where } = this.file(name);
    throwIfCancelled(opts?.signal);
    return { name, size: await this.size(file, where, opts?.signal) };
  }

  async *list(prefix: string, opts?: CallOptions): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    const keyPrefix = joinKey(this.prefix, prefix);
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    let pageToken: string | undefined;
    do {
      let files: File[];
      let next: { pageToken?: string } | null | undefined;
      try {
        const res = await abortable(
          signal,
          this.bucket.getFiles({ prefix: keyPrefix, autoPaginate: false, maxResults: 1000, pageToken }),
        );
        files = res[0];
        next = res[1] as { pageToken?: string } | null | undefined;
      } catch (e) {
        throw this.fail(e, 'list', `gs://${this.bucketName}/${keyPrefix}*`, signal);
      }
      for (const f of files) {
        const name = f.name.slice(strip);
        try {
          assertValidName(name);
        } catch {
          continue; // folder placeholders and foreign objects are not ours
        }
        yield { name, size: Number(f.metadata.size ?? 0) };
      }
      pageToken = next?.pageToken;
      throwIfCancelled(signal);
    } while (pageToken);
  }

  async delete(name: string, opts?: CallOptions): Promise<void> {
    const { file, where } = this.file(name);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    try {
      await abortable(signal, file.delete({ ignoreNotFound: true }));
    } catch (e) {
      const mapped = this.fail(e, 'delete', where, signal);
      if (mapped.code !== 'NOT_FOUND') throw mapped;
    }
  }
}
