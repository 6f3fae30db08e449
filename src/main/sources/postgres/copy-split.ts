/**
 * Cutting one table's COPY data into parts that separate sessions load at once.
 *
 * The server's COPY is the slow end of a restore: one session parses and inserts the rows of a
 * table on one server core, whatever the client does. A large table is therefore cut into up to
 * `jobs` parts, each loaded by its own session, as pgcopydb's same-table concurrency does. The parts are contiguous ranges of
 * the dump's rows, so each session inserts a sorted run and the primary key built in post-data
 * still sorts nearly ordered input (an earlier attempt at cutting the table had lost more in that
 * step than the load won). The heap then holds the parts' pages interleaved: the rows are the same, their
 * physical order is not the source's (pg_restore keeps it); `splitTableBytes: 0` turns this off.
 *
 * COPY text format has one row per line: a newline inside a value is written as the two bytes
 * `\n`, so every 0x0A byte ends a row (pg_dump writes the database encoding, which is ASCII-safe).
 * Part k covers [B(k), B(k+1)) where B(0) = 0, B(parts) = the end, and B(k) is the position after
 * the first newline at or after the split point s(k) = k * size / parts. Part k opens the file at
 * s(k), drops the bytes through that newline, and reads through the first newline at or after
 * s(k+1): both sides find the same newline, so every row is loaded exactly once. A row that spans
 * a whole part leaves that part empty.
 */
import { AppError } from '../../platform/errors.js';

export interface CopyPart {
  /** Split point this part opens the file at (its first line is dropped unless it is 0). */
  from: number;
  /** The next part's split point (this part ends with the first newline at or after it), or none. */
  to?: number;
}

/** Tables whose data file is at least this large are cut into parts (default). */
export const SPLIT_TABLE_BYTES = 64 * 1024 * 1024;
/**
 * The smallest part a restore cuts (a smaller `splitTableBytes` counts as this): every split point
 * then lies at least this far before the end of the file, never inside its end-of-data line.
 */
export const MIN_SPLIT_BYTES = 64 * 1024;

/** The parts of a data file of `size` bytes loaded by up to `jobs` sessions. */
export function copyParts(size: number, jobs: number, splitBytes = SPLIT_TABLE_BYTES): CopyPart[] {
  const n = splitBytes > 0 ? Math.max(1, Math.min(jobs, Math.floor(size / splitBytes))) : 1;
  const points = Array.from({ length: n }, (_, k) => Math.floor((k * size) / n));
  return points.map((from, k) => (k + 1 < n ? { from, to: points[k + 1] as number } : { from }));
}

/**
 * The bytes of `part`, given the file's bytes from `part.from` on. `what` names the table in the
 * INTEGRITY error for a file that ends before the part does (a damaged or truncated dump).
 */
export async function* copyPartBytes(
  bytes: AsyncIterable<Uint8Array>,
  part: CopyPart,
  what: string,
): AsyncGenerator<Buffer> {
  let pos = part.from; // file offset of the next byte
  let dropping = part.from > 0;
  const end = part.to;
  for await (const raw of bytes) {
    let b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let at = pos;
    pos += b.length;
    if (dropping) {
      const nl = b.indexOf(0x0a);
      if (nl < 0) continue;
      dropping = false;
      if (end !== undefined && at + nl >= end) return; // a row spans this whole part
      b = b.subarray(nl + 1);
      at += nl + 1;
    }
    if (end !== undefined && at + b.length > end) {
      const nl = b.indexOf(0x0a, Math.max(0, end - at));
      if (nl >= 0) {
        yield b.subarray(0, nl + 1);
        return;
      }
    }
    if (b.length > 0) yield b;
  }
  if (dropping || end !== undefined) {
    throw new AppError('INTEGRITY', `The data of ${what} in the dump is incomplete (it ends inside a row).`, {
      hint: 'Restore from another snapshot; run `mvono-backup check --read-data-subset 100%`.',
    });
  }
}
