/**
 * Prewalk: lists and lstats the backup's paths while the repository is still being opened. Opening
 * derives the key from the passphrase (scrypt, 0.3-0.6 s in a child process, crypto/slots/scrypt.ts),
 * and this thread has nothing else to do meanwhile; on an incremental backup the walk is most of
 * the remaining work.
 *
 * - Synchronous readdir/lstat in batches of BATCH entries with a turn of the event loop between
 *   them (as the archiver does), depth first, so the KDF's completion is noticed promptly.
 * - The archiver then takes each directory's listing and stats from here (`take`, which removes
 *   them) instead of asking again; directories not reached (or dropped past MAX_ENTRIES) it reads
 *   itself. A stat taken a moment earlier is as good as one taken during the walk: a file that
 *   changes after it is read again by the next backup (its mtime or ctime moved).
 * - When the walk finished within MAX_ENTRIES, `totals` gives a first backup its progress totals
 *   (no separate scan).
 * - `stop()` ends the walk early (the archiver starts; a cancel); errors are left for the archiver
 *   to meet and report (nothing is cached for a path that failed).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type EntryMeta, lstatMeta } from './entry-meta.js';

const BATCH = 256;
/** Entries kept at most (~300 bytes each, see entry-meta.ts): past this the archiver stats the rest. */
const MAX_ENTRIES = 50_000;

export interface Listing {
  names: string[];
  stats: (EntryMeta | undefined)[];
}

export class Prewalk {
  private readonly dirs = new Map<string, Listing>();
  private kept = 0;
  private stopped = false;
  private complete = false;
  private bytes = 0;
  private files = 0;
  /** Settles when the walk has ended (finished, stopped or full); never rejects. */
  readonly done: Promise<void>;

  /** The walk begins once `start` resolves (at once by default). */
  constructor(paths: string[], signal?: AbortSignal, start: Promise<void> = Promise.resolve()) {
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    this.done = start
      .then(() => this.walk(paths))
      .then(
        () => undefined,
        () => undefined,
      );
  }

  /** Ends the walk at its next batch; what is cached stays available. */
  stop(): void {
    this.stopped = true;
  }

  /** A directory's sorted names and their stats, removed from the cache (undefined: not cached). */
  take(dir: string): Listing | undefined {
    const l = this.dirs.get(dir);
    if (l) this.dirs.delete(dir);
    return l;
  }

  /** Bytes and files under the paths, when the walk saw all of them; otherwise undefined. */
  get totals(): { bytes: number; files: number } | undefined {
    return this.complete ? { bytes: this.bytes, files: this.files } : undefined;
  }

  private async walk(paths: string[]): Promise<void> {
    let sinceYield = 0;
    /** Counts one entry (or directory); every BATCH a turn of the event loop. False: end the walk. */
    const step = async (): Promise<boolean> => {
      if (++sinceYield >= BATCH) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
      return !this.stopped && this.kept < MAX_ENTRIES;
    };
    const stack: string[] = [];
    for (const p of paths) {
      const st = lstatOrUndefined(p);
      if (st?.kind === 'dir') stack.push(p);
      else if (st?.kind === 'file') this.count(st);
    }
    while (stack.length > 0) {
      if (!(await step())) return;
      const dir = stack.pop()!;
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue; // the archiver meets the error itself and reports it
      }
      const stats = new Array<EntryMeta | undefined>(names.length);
      for (let i = 0; i < names.length; i++) {
        if (!(await step())) return;
        const path = join(dir, names[i]!);
        const st = lstatOrUndefined(path);
        stats[i] = st;
        if (st?.kind === 'dir') stack.push(path);
        else if (st?.kind === 'file') this.count(st);
      }
      this.dirs.set(dir, { names, stats });
      this.kept += names.length + 1;
    }
    this.complete = !this.stopped;
  }

  private count(st: EntryMeta): void {
    this.files++;
    this.bytes += st.size;
  }
}

function lstatOrUndefined(path: string): EntryMeta | undefined {
  try {
    return lstatMeta(path);
  } catch {
    return undefined;
  }
}
