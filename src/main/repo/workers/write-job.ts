/**
 * The worker side of a restore write job. The main thread reads a range of a pack (one storage
 * read for several nearby blobs) and transfers it here; the worker opens each blob (AES-GCM tag,
 * decompression into its scratch buffer, HMAC id: nothing unverified is written) and writes it
 * into every file that uses it, with synchronous positional writes. So the writes of a restore
 * (file creation is a slow syscall) spread over the workers and the main thread only reads ranges.
 * - `create`: this blob makes the file (a file of one blob): opened 'w', which creates or empties
 *   it. Otherwise the main thread has created the file at its final size and it is opened 'r+'.
 * - A blob of zeros is not written: the file keeps a hole there (a created file gets its size).
 * One outcome per blob: ok, or why it failed; `integrity` failures (damaged or missing data) let
 * the restore go on without those files, others (disk full, permission) stop it.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { isAppError } from '../../platform/errors.js';
import { openBlobSync } from '../blob.js';

export interface WriteTarget {
  path: string;
  offset: number;
  create: boolean;
}

export interface WriteBlob {
  id: string;
  /** Where the sealed blob lies in the range. */
  at: number;
  length: number;
  rawLength: number;
  targets: WriteTarget[];
}

export type WriteOutcome = null | { integrity: boolean; code: string; message: string };

const ZEROS = Buffer.alloc(1024 * 1024);

/** Native comparisons against a zero buffer (a byte loop in JS costs seconds per GiB). */
export function isZero(b: Uint8Array): boolean {
  if (b.length === 0 || b[0] !== 0 || b[b.length - 1] !== 0) return b.length === 0;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o < buf.length; o += ZEROS.length) {
    const n = Math.min(ZEROS.length, buf.length - o);
    if (!buf.subarray(o, o + n).equals(ZEROS.subarray(0, n))) return false;
  }
  return true;
}

export function writeBlobs(
  keys: { enc: Buffer; mac: Buffer },
  range: Uint8Array,
  blobs: WriteBlob[],
): WriteOutcome[] {
  return blobs.map((b) => {
    let plain: Buffer;
    try {
      if (b.at + b.length > range.length) {
        return {
          integrity: true,
          code: 'INTEGRITY',
          message: `pack range too short for blob ${b.id.slice(0, 12)}`,
        };
      }
      plain = openBlobSync(keys, b.id, range.subarray(b.at, b.at + b.length), b.rawLength, true);
    } catch (e) {
      return failure(e, true);
    }
    try {
      const zero = isZero(plain);
      for (const t of b.targets) writeTarget(t, plain, zero);
      return null;
    } catch (e) {
      return failure(e, false);
    }
  });
}

function writeTarget(t: WriteTarget, data: Uint8Array, zero: boolean): void {
  if (zero && !t.create) return;
  const fd = openSync(t.path, t.create ? 'w' : 'r+', 0o600);
  try {
    if (zero) ftruncateSync(fd, data.length);
    else {
      for (let done = 0; done < data.length; ) {
        done += writeSync(fd, data, done, data.length - done, t.offset + done);
      }
    }
  } finally {
    closeSync(fd);
  }
}

function failure(e: unknown, integrity: boolean): WriteOutcome {
  const code = isAppError(e) ? e.code : ((e as NodeJS.ErrnoException).code ?? 'EIO');
  const message = e instanceof Error ? e.message : String(e);
  return { integrity: integrity && (!isAppError(e) || e.code === 'INTEGRITY'), code, message };
}
