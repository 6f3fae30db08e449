/** Messages between the crypto pool (pool.ts) and its workers (worker.ts, file-job.ts). */
import type { ChunkerParams } from '../chunker.js';
import type { WriteBlob, WriteOutcome } from './write-job.js';

export type Request =
  | { op: 'hash'; seq: number; data: Uint8Array }
  | { op: 'seal'; seq: number }
  | { op: 'drop'; seq: number }
  | { op: 'open'; seq: number; id: string; sealed: Uint8Array; rawLength?: number }
  | FilesRequest
  | { op: 'decide'; seq: number; part: number; seal: Uint8Array }
  /** A followed file job: its writer has finished the file (`complete`), or stop now (`cancel`). */
  | { op: 'follow'; seq: number; end: 'complete' | 'cancel' }
  /**
   * Restore: open the blobs lying in `data` (a pack range: the first `length` bytes of the
   * transferred buffer) and write them to their files; the buffer comes back with `written`.
   */
  | { op: 'write'; seq: number; data: Uint8Array; length: number; blobs: WriteBlob[] }
  /** A sealedPart buffer the main thread has packed, given back for reuse. */
  | { op: 'recycle'; seq: 0; buf: ArrayBuffer };

/**
 * A file job: the worker reads, chunks and hashes these files itself (one file, or a batch of
 * small ones) and reports the chunks in parts of a few MiB. For each part the main thread answers
 * `decide` (1 = new to the repository: seal it, 0 = already stored); the worker then sends the
 * sealed new chunks in one `sealedPart`. At most two parts per job are held in the worker.
 */
export interface FilesRequest {
  op: 'files';
  seq: number;
  /** `fd`: already open (by the main thread, which closes it after the job); else `path` is opened. */
  files: { path: string; size: number; fd?: number }[];
  /**
   * Follow the job's single file while another process still writes it (a table's data file while
   * pg_dump runs): `size` is ignored, the worker reads what is there and waits at the end until a
   * `follow` message says the file is complete (then it ends at the end) or cancelled.
   */
  follow?: boolean;
  /** Count each file's newline bytes (a table's COPY data: one per row), reported in its FileEnd. */
  countLines?: boolean;
}

/**
 * [file index in the job, bytes read, newline bytes when counted] or, when the file could not be
 * read, [file index, bytes read, errno code, message].
 */
export type FileEnd = [number, number] | [number, number, number] | [number, number, string, string];

export type Response =
  | { op: 'hashed'; seq: number; id: string }
  | { op: 'sealed'; seq: number; sealed: Uint8Array; rawLength: number }
  | { op: 'opened'; seq: number; plain: Uint8Array }
  | {
      op: 'part';
      seq: number;
      part: number;
      /** Per chunk, in file order: id, plaintext length, index of its file in the job. */
      ids: string[];
      lens: number[];
      owners: number[];
      /** Files that ended in this part (after their last chunk). */
      ends: FileEnd[];
      /** A followed job: the most bytes its writer was ahead of its reads during this part. */
      lag?: number;
    }
  | {
      op: 'sealedPart';
      seq: number;
      part: number;
      /** The sealed chunks the decision asked for, back to back, in part order. */
      data: Uint8Array;
      lengths: number[];
    }
  | { op: 'filesDone'; seq: number }
  /** One outcome per blob of a `write` request, in order. */
  | { op: 'written'; seq: number; outcomes: WriteOutcome[]; data: Uint8Array }
  | { op: 'error'; seq: number; code: string; message: string };

export interface WorkerKeys {
  enc: Uint8Array;
  mac: Uint8Array;
}

export interface WorkerInit extends WorkerKeys {
  chunker: ChunkerParams;
  gear: Uint32Array;
}
