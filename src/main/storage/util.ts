/** Small helpers shared by the storage adapters: names, prefixes, ranges, cancellation. */
import { StorageError } from './errors.js';
import type { GetOptions } from './port.js';

const PREFIX_RE = /^[a-z0-9._/-]*$/;

/** A list prefix: empty, or the start of a valid name (may end inside a segment or with '/'). */
export function assertValidPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix) || prefix.includes('..') || prefix.startsWith('/') || prefix.includes('//')) {
    throw new TypeError(`invalid list prefix: ${JSON.stringify(prefix)}`);
  }
}

/** Validates a get range; `length` undefined means "to the end". */
export function checkRange(opts: GetOptions | undefined): { offset: number; length: number | undefined } {
  const offset = opts?.offset ?? 0;
  const length = opts?.length;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new TypeError(`invalid offset: ${offset}`);
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new TypeError(`invalid length: ${length}`);
  }
  return { offset, length };
}

/** Slices `[offset, offset+length)` out of a whole object, clamped to its end. */
export function sliceRange(data: Uint8Array, offset: number, length: number | undefined): Uint8Array {
  if (offset >= data.length) return new Uint8Array(0);
  const end = length === undefined ? data.length : Math.min(data.length, offset + length);
  return data.subarray(offset, end);
}

export function cancelledError(): StorageError {
  return new StorageError('CANCELLED', 'The storage operation was cancelled.');
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/**
 * Settles with `work`, or rejects CANCELLED as soon as `signal` fires (the work's own result is
 * then ignored; adapters pass the signal on to the SDK too, so the request is torn down).
 */
export function abortable<T>(signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(cancelledError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(cancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function concatChunks(chunks: Uint8Array[], total?: number): Uint8Array {
  const size = total ?? chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Joins a service prefix ("" or "backups/site-a") and an object name into a key. */
export function joinKey(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** Normalises a user-given key prefix: no leading/trailing slashes. */
export function normalisePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/^\/+|\/+$/g, '');
}
