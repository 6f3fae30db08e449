/**
 * Streaming a dump into storage while the dump tool is still writing it, and back.
 *
 * `DumpSink` is what a caller (the engine) gives a dump to receive its files: each file's bytes in
 * memory, as an async iterable, or as a `GrowingFile` on disk that another process is still writing
 * (pg_dump writes a table's data file while the engine's workers read it).
 * `DeferredSink` lets a dump start before its storage is ready (the repository still being opened):
 * files wait, unread and on disk, until the real sink is attached.
 */
import { cancelled } from '../platform/errors.js';

export interface DumpSink {
  /**
   * Stores one file of the dump ('/'-separated path relative to the component root). Resolves once
   * every byte has been consumed; a rejection fails the dump.
   */
  file(path: string, data: DumpData): Promise<void>;
}

/** A dump file's bytes: in memory, as a stream, or a file on disk that may still be growing. */
export type DumpData = AsyncIterable<Uint8Array> | Uint8Array | GrowingFile;

/**
 * A file on disk that its writer may still be writing (a table's data file while pg_dump runs).
 * The consumer opens it, then calls `opened()` (which removes its name, so its pages never need
 * to reach the disk and the space is freed when both sides close it), reads what is there and
 * waits at the end; once `complete` has resolved the file is whole and the consumer reads to its
 * end. `complete` rejects when the writer failed: the consumer stops and fails.
 */
export interface GrowingFile {
  readonly kind: 'growing';
  /** Where the file is on disk. */
  readonly path: string;
  readonly complete: Promise<void>;
  opened(): Promise<void>;
  /**
   * When given, the consumer counts the file's newline bytes while reading it and reports the
   * count once the whole file is stored (a table's COPY data has one per row).
   */
  readonly lines?: (count: number) => void;
}

export function isGrowingFile(d: DumpData): d is GrowingFile {
  return (d as Partial<GrowingFile>).kind === 'growing';
}

/**
 * The other way round, for restores: dump files that are not in the restore directory but are
 * streamed from storage when the restore needs them (PostgreSQL table data).
 */
export interface DumpSource {
  /** '/'-separated path relative to the directory given to the restore, e.g. "dump/3358.dat". */
  has(path: string): boolean;
  /** Size in bytes (for scheduling the largest tables first). */
  size(path: string): number;
  /** The file's bytes in order from byte `start` (default 0); errors (a damaged backup) reject the iteration. */
  open(path: string, start?: number): AsyncIterable<Uint8Array>;
}

/**
 * A sink for a dump started before the storage for it exists. `file()` waits until `attach()` gives
 * the real sink, then hands the file on; until then the dump's data iterables are not started, so
 * a followed file is neither opened nor unlinked and simply grows on disk (the dump's free-space
 * check counts the whole dump). When `signal` aborts first, waiting and later files fail with
 * CANCELLED, so a dump stopped before it was attached ends instead of waiting forever.
 */
export class DeferredSink implements DumpSink {
  private readonly ready: Promise<DumpSink>;
  private resolveReady: (s: DumpSink) => void = () => {};
  private attached = false;

  constructor(signal?: AbortSignal) {
    this.ready = new Promise<DumpSink>((resolve, reject) => {
      this.resolveReady = resolve;
      if (signal?.aborted) reject(cancelled());
      else signal?.addEventListener('abort', () => reject(cancelled()), { once: true });
    });
    this.ready.catch(() => {}); // observed by file(); nobody may be waiting yet
  }

  /** Gives the real sink; files waiting and later files go to it. Once only. */
  attach(sink: DumpSink): void {
    if (this.attached) throw new Error('DeferredSink.attach() was called twice.');
    this.attached = true;
    this.resolveReady(sink);
  }

  async file(path: string, data: DumpData): Promise<void> {
    return (await this.ready).file(path, data);
  }
}
