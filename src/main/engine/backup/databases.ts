/**
 * Database components. PostgreSQL dumps are streamed into the repository while pg_dump runs
 * (sources/ follows each table's file as it is written; stream.ts chunks and stores it), inside
 * the backup, so dumping and storing overlap and the dump never sits whole in the temp dir.
 * MariaDB dumps are written to a private temporary directory first and stored as the component's
 * subtree. Either way the component holds one file per table (dedups across days) and its facts
 * go into the manifest; the temporary directory is deleted when the snapshot is written (or not).
 *
 * Starting early: `backupWithDatabases` may be given the repository while it is still being opened
 * (the passphrase KDF alone takes ~0.5 s), or a function that opens it (the CLI), called once the
 * first dump's pg_dump runs. A PostgreSQL database that is the first component starts dumping at
 * once, into a `DeferredSink`: its files wait on disk (the dump's free-space check counts the whole
 * dump) until the backup reaches the component and attaches its StreamTree. Other PostgreSQL dumps
 * start when their component's turn comes, so one dump runs at a time. A dump that was started but
 * never taken (the repository could not be opened or locked, a cancel, an earlier failure) is
 * stopped and its files removed before `backupWithDatabases` returns; nothing of it was stored, so
 * the commit rule of backup() (no manifest, no snapshot) is untouched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, systemClock } from '../../platform/clock.js';
import type { Repository } from '../../repo/repository.js';
import type { DbFacts } from '../../sources/facts.js';
import type { MariaDumpOptions } from '../../sources/mariadb/dump.js';
import { dumpPostgres, type PgDumpOptions } from '../../sources/postgres/dump.js';
import type { DbProfile } from '../../sources/profile.js';
import { DeferredSink } from '../../sources/sink.js';
// The engine (backup, StreamTree and the repository modules under them) is loaded once the first
// dump's pg_dump runs: these modules are ~0.1 s of the CLI's start-up, which then overlaps
// pg_dump's catalog phase instead of delaying pg_dump.
import type { BackupComponentInput, BackupOptions, BackupResult } from './backup.js';

export interface DatabaseInput {
  profile: DbProfile;
  password?: string;
}

export function componentNameFor(p: DbProfile): string {
  const clean = p.database
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return `${p.kind}-${clean || 'db'}`.slice(0, 63);
}

/** A PostgreSQL component whose dump can be started before backup() reaches it. */
interface PostgresRun {
  component: BackupComponentInput;
  /**
   * Starts the dump now (idempotent); its files wait until the component is produced. Resolves
   * once pg_dump runs (or the dump has ended, e.g. failed its preflight).
   */
  start(): Promise<void>;
  /** Stops the dump if it is still running (no-op once produced) and waits for it to end. */
  stop(): Promise<void>;
}

function postgresRun(profile: DbProfile, name: string, dir: string, dumpOpts: PgDumpOptions): PostgresRun {
  const stopper = new AbortController();
  const signal = dumpOpts.signal ? AbortSignal.any([dumpOpts.signal, stopper.signal]) : stopper.signal;
  const sink = new DeferredSink(signal);
  let dumping: Promise<DbFacts> | undefined;
  let onStarted = () => {};
  const started = new Promise<void>((r) => (onStarted = r));
  const start = (): Promise<DbFacts> => {
    if (!dumping) {
      dumping = dumpPostgres(profile, dir, { ...dumpOpts, signal, sink, onStarted });
      dumping.catch(() => {}).finally(onStarted); // awaited by produce(); a dump never produced is stopped instead
    }
    return dumping;
  };
  return {
    start: () => {
      start();
      return started;
    },
    stop: async () => {
      stopper.abort();
      await dumping?.catch(() => {});
    },
    component: {
      type: 'postgres',
      name,
      database: profile.database,
      produce: async (ctx) => {
        const { StreamTree } = await import('./stream.js');
        const tree = new StreamTree(ctx);
        const facts = start();
        sink.attach(tree);
        return { facts: await facts, subtree: await tree.save() };
      },
    },
  };
}

/**
 * The backup component for one database. PostgreSQL is dumped inside the backup, each table file
 * stored while pg_dump is still writing the next (`produce`); MariaDB is dumped to `dir` now.
 */
export async function databaseComponent(
  profile: DbProfile,
  name: string,
  dir: string,
  dumpOpts: MariaDumpOptions & PgDumpOptions,
): Promise<BackupComponentInput> {
  if (profile.kind === 'postgres') return postgresRun(profile, name, dir, dumpOpts).component;
  // Loaded only when needed: each database driver costs ~80 ms of start-up.
  const { dumpMariadb } = await import('../../sources/mariadb/dump.js');
  const facts = await dumpMariadb(profile, dir, dumpOpts);
  return { type: profile.kind, name, database: profile.database, dir, facts };
}

/**
 * A backup of `components` plus `databases`. `repo` may still be opening (a promise): the dumps
 * that can start early overlap it (see above); when it fails to open, they are stopped and its
 * error is thrown.
 */
export async function backupWithDatabases(
  /**
   * The repository, or a promise of it while it opens, or a function that opens it: called once the
   * first dump's pg_dump runs, so that opening's main-thread work (key slots, the keychain, starting
   * the workers) falls in pg_dump's catalog phase, not between the dump's preflight queries.
   */
  repo: Repository | Promise<Repository> | (() => Promise<Repository>),
  opts: Omit<BackupOptions, 'components'> & {
    components?: BackupComponentInput[];
    databases: DatabaseInput[];
    tempDir?: string;
    /** For the dumps' facts (takenAt) while `repo` is still opening; default: the repository's. */
    clock?: Clock;
  },
): Promise<BackupResult> {
  let opening: Promise<Repository> | undefined;
  const open = (): Promise<Repository> => {
    if (!opening) {
      opening = typeof repo === 'function' ? repo() : Promise.resolve(repo);
      opening.catch(() => {}); // awaited below, possibly after a MariaDB dump
    }
    return opening;
  };
  if (typeof repo !== 'function') open(); // given, or already opening
  const clock =
    opts.clock ?? (repo instanceof Promise || typeof repo === 'function' ? systemClock : repo.clock);
  const tmp = await mkdtemp(join(opts.tempDir ?? process.env.MVONO_TMPDIR ?? tmpdir(), 'mvono-dump-'));
  const runs: PostgresRun[] = [];
  let firstStarted: Promise<void> | undefined;
  try {
    const components = [...(opts.components ?? [])];
    for (const db of opts.databases) {
      const name = componentNameFor(db.profile);
      const dir = join(tmp, name);
      const dumpOpts = {
        ...(db.password !== undefined ? { password: db.password } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.progress ? { progress: opts.progress } : {}),
        clock,
      };
      if (db.profile.kind === 'postgres') {
        const run = postgresRun(db.profile, name, dir, dumpOpts);
        runs.push(run);
        // Nothing is stored before it, so its dump overlaps opening and locking the repository.
        if (components.length === 0) firstStarted = run.start();
        components.push(run.component);
      } else {
        open(); // the repository opens while MariaDB is dumped
        components.push(await databaseComponent(db.profile, name, dir, dumpOpts));
      }
    }
    await firstStarted;
    const { backup } = await import('./backup.js');
    return await backup(await open(), { ...opts, components });
  } finally {
    for (const r of runs) await r.stop();
    // maxRetries: a dump stored whole may still be removing its own directory (postgres/dump.ts).
    await rm(tmp, { recursive: true, force: true, maxRetries: 5 });
  }
}
