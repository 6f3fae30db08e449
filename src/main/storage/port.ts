/**
 * The storage port: the only thing the repository knows about where bytes live.
 *
 * Names are relative keys made of [a-z0-9/._-] segments separated by '/', e.g. "data/ab/ab12…",
 * "snapshots/<id>", "config". Adapters map them to files, S3 keys or GCS objects under a prefix.
 *
 * Semantics every adapter must honour (checked by test/storage/suite.ts, which every adapter runs):
 * - put: write-once. Visible atomically or not at all (a reader never sees a partial object).
 *   If the name exists: throws StorageError ALREADY_EXISTS and leaves the object untouched
 *   (adapters on services without conditional writes check first and document the race).
 * - get: the whole object, or `length` bytes from `offset`. Missing: NOT_FOUND.
 *   A range beyond the end returns what exists (possibly empty); offset past the end: empty.
 * - stat: size of an object. Missing: NOT_FOUND.
 * - list: every object whose name starts with `prefix`, in any order, each exactly once, paging
 *   handled inside. A missing prefix lists nothing.
 * - delete: removes the object. Missing is not an error (idempotent).
 * - Every call takes an AbortSignal; once it fires the call rejects with CANCELLED promptly.
 * - Errors are StorageErrors (see errors.ts) whose codes say whether retrying can help:
 *   only TRANSIENT is retried (retry.ts). Messages name the location, never credentials.
 */
export interface ObjectInfo {
  name: string;
  size: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface GetOptions extends CallOptions {
  offset?: number;
  length?: number;
  /**
   * A buffer the adapter may read into when it can hold the bytes asked for: the result is then a
   * view of it (reusing memory saves a page fault per 4 KiB). Adapters that receive their bytes in
   * buffers of their own ignore it, so callers always use the returned bytes.
   */
  into?: Uint8Array;
}

/** A write-once object being streamed (see Storage.openWriter). */
export interface ObjectWriter {
  /** Writes `data` at `position`; calls may overlap. `data` must not change until it resolves. */
  writeAt(data: Uint8Array, position: number): Promise<void>;
  /** Makes the bytes visible as `name`, durably and atomically (ALREADY_EXISTS if taken). */
  commit(name: string, opts?: CallOptions): Promise<void>;
  /** Removes the partial object. Safe to call more than once. */
  abort(): Promise<void>;
}

export interface Storage {
  /** Human-readable location for messages and the console, e.g. "s3://bucket/prefix". No secrets. */
  readonly location: string;
  /**
   * How many large puts (packs) are worth running at once; default 2. A local disk needs 1
   * (every pack in flight is 16 MiB of memory), a remote store hides latency with more.
   */
  readonly putConcurrency?: number;
  /**
   * Writes `name` once (ALREADY_EXISTS if present). Once the promise has resolved the caller may
   * overwrite `data`: an adapter that keeps the bytes (in memory) must copy them.
   */
  put(name: string, data: Uint8Array, opts?: CallOptions): Promise<void>;
  /**
   * Optional: streams a new object to its place (a local disk implements it; object stores,
   * which take one body per PUT, do not). Nothing is visible until `commit`.
   */
  openWriter?(opts?: CallOptions): Promise<ObjectWriter>;
  /**
   * Optional, with openWriter: removes partial objects older than `olderThanMs` that a killed
   * writer left behind (they are never visible). Returns how many. Called by prune, which holds
   * the exclusive lock.
   */
  removeStaleWrites?(olderThanMs: number, opts?: CallOptions): Promise<number>;
  get(name: string, opts?: GetOptions): Promise<Uint8Array>;
  stat(name: string, opts?: CallOptions): Promise<ObjectInfo>;
  list(prefix: string, opts?: CallOptions): AsyncIterable<ObjectInfo>;
  delete(name: string, opts?: CallOptions): Promise<void>;
  /** Releases sockets/handles. Optional. */
  close?(): Promise<void>;
}

const SEGMENT = '[a-z0-9][a-z0-9._-]*';
const NAME_RE = new RegExp(`^${SEGMENT}(/${SEGMENT})*$`);
/** One '/'-separated segment of an object name (a local directory's other entries are not objects). */
export const NAME_SEGMENT = new RegExp(`^${SEGMENT}$`);

/** Validates an object name (guards adapters against path traversal and odd keys). */
export function assertValidName(name: string): void {
  if (!NAME_RE.test(name) || name.includes('..')) {
    throw new TypeError(`invalid object name: ${JSON.stringify(name)}`);
  }
}
