/**
 * Running pg_dump --format=directory --compress=0 in an exported snapshot, either into
 * `dir/dump` (runPgDump) or streamed into a DumpSink while it runs (streamPgDump).
 *
 * Streaming: pg_dump writes toc.dat first, then one `<dumpId>.dat` per table (workers in parallel,
 * largest first). Each data file is handed to the sink as a GrowingFile as soon as it appears: the
 * sink opens it, unlinks it (its pages never need to reach the disk, and the space is freed when
 * both sides close it) and follows it while it grows. It is complete when pg_dump reports
 * "finished item <dumpId>" (parallel mode, hence at least 2 jobs) or exits. The remaining files
 * (toc.dat, large-object files) are handed over, complete, after pg_dump exits successfully. The
 * sink therefore receives the exact files of the directory format, and the repository layout is
 * the same as for a dump left on disk.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProgressReporter } from '../../engine/progress.js';
import { cancelled } from '../../platform/errors.js';
import { runProcess } from '../../platform/process.js';
import { toolError } from '../common.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';
import type { DumpSink, GrowingFile } from '../sink.js';
import { pgEnv } from './connect.js';
import { type PgToolsOptions, pgTool } from './tools.js';

export interface RunDumpOptions extends DbAuth {
  jobs?: number;
  signal?: AbortSignal;
  tools?: PgToolsOptions;
  /** Called once pg_dump has been started (spawned). */
  onStarted?: () => void;
}

/** A table's data file in the directory format (followed while it is written). */
const DATA_FILE = /^\d+\.dat$/;
/** Data files stored at once (most are complete: only `jobs` of them grow at a time). */
const FILES_AT_ONCE = 6;

export async function runPgDump(
  p: DbProfile,
  dir: string,
  snapshot: string,
  /** The number of tables, once known (progress). */
  total: () => number | undefined,
  opts: RunDumpOptions,
  progress: ProgressReporter,
  onLine?: (line: string) => void,
  minJobs = 1,
): Promise<void> {
  let done = 0;
  const args = [
    '--format=directory',
    '--compress=0',
    `--jobs=${Math.max(minJobs, opts.jobs ?? 2)}`,
    `--snapshot=${snapshot}`,
    // Also required when streaming: syncing would reopen the data files by name after we unlinked them.
    '--no-sync',
    '--verbose',
    '--file',
    join(dir, 'dump'),
    '--dbname',
    p.database,
  ];
  try {
    const running = runProcess(pgTool('pg_dump', opts.tools), args, {
      env: pgEnv(p, opts),
      stdout: 'ignore',
      batch: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onStderrLine: (line) => {
        onLine?.(line);
        const m = /dumping contents of table "([^"]+)"/.exec(line);
        if (m) {
          done++;
          const tables = total();
          progress.update({
            phase: 'postgres: dumping tables',
            bytesDone: 0,
            filesDone: done,
            ...(tables === undefined ? {} : { filesTotal: tables }),
            current: m[1],
            rate: 0,
          });
        }
      },
    });
    opts.onStarted?.();
    await running;
  } catch (e) {
    throw toolError(e, `pg_dump of ${describeProfile(p)}`, dir);
  }
}

export async function streamPgDump<T>(
  p: DbProfile,
  dir: string,
  snapshot: string,
  total: () => number | undefined,
  opts: RunDumpOptions,
  sink: DumpSink,
  progress: ProgressReporter,
  /** Called when storing a file fails while pg_dump still runs (the caller stops everything). */
  onFail: (e: unknown) => void,
  /**
   * Runs once toc.dat is complete (it reads it; toc.dat stays until the end): pg_dump writes and
   * closes toc.dat before it starts on the table data, so that is when the first table's data
   * begins, or when pg_dump exits for a database without tables.
   */
  withToc: () => Promise<T>,
  /** Filled with each data file's newline bytes ("<dumpId>.dat" -> count), counted as it is stored. */
  lines?: Map<string, number>,
): Promise<T> {
  const dumpDir = join(dir, 'dump');
  const local = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, local.signal]) : local.signal;
  /** Per data file handed over: settles its `complete` (resolved once pg_dump reports it finished). */
  const completions = new Map<string, { resolve: () => void; reject: (e: unknown) => void }>();
  const finished = new Set<string>();
  const complete = (name: string) => {
    finished.add(name);
    completions.get(name)?.resolve();
  };
  const started = new Map<string, Promise<void>>();
  let active = 0;
  const waiting: (() => void)[] = [];
  const slot = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= FILES_AT_ONCE) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  const store = (name: string, growing: boolean) => {
    const path = join(dumpDir, name);
    const whole = new Promise<void>((resolve, reject) => completions.set(name, { resolve, reject }));
    whole.catch(() => {}); // the sink may not have looked yet
    if (!growing || finished.has(name)) complete(name);
    const file: GrowingFile = {
      kind: 'growing',
      path,
      complete: whole,
      opened: () => (growing ? rm(path, { force: true }) : Promise.resolve()),
      ...(lines && DATA_FILE.test(name) ? { lines: (n: number) => lines.set(name, n) } : {}),
    };
    const run = slot(() => sink.file(`dump/${name}`, file));
    run.catch((e: unknown) => {
      if (!local.signal.aborted) onFail(e);
    });
    started.set(name, run);
  };
  const allStored = async () => {
    const failed = (await Promise.allSettled(started.values())).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const scan = async () => {
    let names: string[];
    try {
      names = await readdir(dumpDir);
    } catch {
      return; // not created yet
    }
    for (const n of names) if (DATA_FILE.test(n) && !started.has(n)) store(n, true);
  };
  let tocRun: Promise<T> | undefined;
  const tocComplete = () => {
    if (tocRun) return;
    tocRun = withToc();
    tocRun.catch(() => {}); // awaited at the end; a failed dump stops it through the signal
  };
  const scans = new Set<Promise<void>>();
  const rescan = () => {
    const s = scan().finally(() => scans.delete(s));
    scans.add(s);
  };
  try {
    await runPgDump(
      p,
      dir,
      snapshot,
      total,
      { ...opts, signal },
      progress,
      (line) => {
        const m = /finished item (\d+) /.exec(line);
        if (m) complete(`${m[1]}.dat`);
        if (m || line.includes('dumping contents of table')) {
          tocComplete();
          rescan();
        }
      },
      2,
    );
  } catch (e) {
    local.abort();
    for (const c of completions.values()) c.reject(cancelled());
    await Promise.allSettled([...scans, ...started.values()]);
    throw e;
  }
  for (const name of completions.keys()) complete(name);
  tocComplete();
  await Promise.allSettled([...scans]);
  await scan();
  // toc.dat and large-object files, complete now.
  for (const n of (await readdir(dumpDir)).sort()) if (!started.has(n)) store(n, false);
  await allStored();
  return tocRun as Promise<T>;
}
