/**
 * Streaming a dump into storage while the dump tool is still writing it, and back.
 *
 * `DumpSink` is what a caller (the engine) gives a dump to receive its files: each file's bytes as
 * an async iterable, in order. `followFile` reads a file that another process is still writing
 * (pg_dump writes a table's data file while we read it): it yields what is there, waits briefly
 * at the current end, and ends once `isDone()` was true before a read that found nothing more.
 * `DeferredSink` lets a dump start before its storage is ready (the repository still being opened):
 * files wait, unread and on disk, until the real sink is attached.
 */
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelled, throwIfAborted } from '../platform/errors.js';

export interface DumpSink {
  /**
   * Stores one file of the dump ('/'-separated path relative to the component root). Resolves once
   * every byte has been consumed; a rejection fails the dump.
   */
  file(path: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void>;
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
  /** The file's bytes in order; errors (a damaged backup) reject the iteration. */
  open(path: string): AsyncIterable<Uint8Array>;
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

  async file(path: string, data: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    return (await this.ready).file(path, data);
  }
}

const READ_SIZE = 4 * 1024 * 1024;
const MIN_ROOM = 256 * 1024;
const MIN_READ = 2 * 1024 * 1024;
const POLL_MS = 5;

export async function* followFile(
  path: string,
  isDone: () => boolean,
  opts: { signal?: AbortSignal; onOpen?: () => Promise<void> } = {},
): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    await opts.onOpen?.();
    let position = 0;
    // Reads fill a buffer from front to back and each read's bytes are yielded as a view of it:
    // consumers may keep views (chunks), so a region is never written twice; a fresh buffer is
    // taken when little room is left.
    let buf = Buffer.allocUnsafeSlow(READ_SIZE);
    let fill = 0;
    for (;;) {
      throwIfAborted(opts.signal);
      if (buf.length - fill < MIN_ROOM) {
        buf = Buffer.allocUnsafeSlow(READ_SIZE);
        fill = 0;
      }
      // Sampled before the read: if the writer had finished then, an empty read is the end.
      const done = isDone();
      // While the writer is going, wait for a good block: many small reads would make most chunks
      // span several of them (and be copied together by the chunker).
      if (!done && Number((await fh.stat()).size) - position < MIN_READ) {
        await sleep(POLL_MS);
        continue;
      }
      const { bytesRead } = await fh.read(buf, fill, buf.length - fill, position);
      if (bytesRead > 0) {
        position += bytesRead;
        fill += bytesRead;
        yield buf.subarray(fill - bytesRead, fill);
        continue;
      }
      if (done) return;
      await sleep(POLL_MS);
    }
  } finally {
    await fh.close();
  }
}
