/**
 * Database restore from a snapshot: the component's dump directory is put into a private
 * temporary directory, then pg_restore / mariadb loads it into the target, then the restored
 * database is validated against the facts recorded at backup time.
 * PostgreSQL, whole database: toc.dat and the small files are written; the large table data files
 * are streamed from the repository straight into COPY (sources/postgres/restore-data.ts: two at a
 * time, largest first, between pg_restore's pre-data and post-data -j 2 steps), so fetching,
 * decrypting and loading overlap and the dump is never written whole to disk. Selected tables,
 * and MariaDB: the component's files are written to the directory first.
 * Replacing an existing database requires a typed confirmation of its name and first takes a
 * safety snapshot of it (kind "safety") into the same repository. Authorization (who may replace
 * production) is the host's job; this function enforces what holds for every caller.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../platform/errors.js';
import { mapLimit } from '../../repo/index-store.js';
import type { Repository } from '../../repo/repository.js';
import type { SnapshotManifest } from '../../repo/snapshot.js';
import type { TreeNode } from '../../repo/tree.js';
// The sources are imported one module at a time, not through sources/index.js, and MariaDB's only
// when a MariaDB component is restored: the index also loads the MariaDB driver and the schema
// history's git, ~0.13 s of module loading before a PostgreSQL restore could start.
import { describeMismatches, type ValidationReport } from '../../sources/facts.js';
import {
  type PgRestoreResult,
  type PrecreatedDatabase,
  restorePostgres,
} from '../../sources/postgres/restore.js';
import { validatePostgres } from '../../sources/postgres/validate.js';
import type { DbProfile } from '../../sources/profile.js';
import type { DumpSource } from '../../sources/sink.js';
import { backupWithDatabases } from '../backup/databases.js';
import { readNodeStream } from '../backup/stream.js';
import type { ProgressReporter } from '../progress.js';
import { walkTree } from '../walk.js';
import { restoreComponent } from './restore.js';

export interface DatabaseRestoreOptions {
  target: DbProfile;
  password?: string;
  /** Component name (e.g. "postgres-app"); default: the snapshot's only database component. */
  component?: string;
  mode?: 'new' | 'replace';
  /** Typed confirmation: must equal the target database name when mode is 'replace'. */
  confirm?: string;
  tables?: string[];
  signal?: AbortSignal;
  progress?: ProgressReporter;
  /** Where the dump is staged (default: MVONO_TMPDIR, else the system's temporary directory). */
  tempDir?: string;
  /** PostgreSQL: tables of at least this many bytes load in parallel parts (default 64 MiB; 0: never). */
  splitTableBytes?: number;
  /** PostgreSQL, mode 'new', whole database: the target made ahead by `createRestoreDatabase`. */
  precreated?: Promise<PrecreatedDatabase>;
}

export interface DatabaseRestoreResult {
  component: string;
  database: string;
  safetySnapshot?: string;
  tablesRestored: number;
  validation: ValidationReport;
  warnings: string[];
}

export function databaseComponent(snap: SnapshotManifest, name?: string) {
  const dbs = snap.components.filter((c) => c.type === 'postgres' || c.type === 'mariadb');
  const c = name ? dbs.find((x) => x.name === name) : dbs.length === 1 ? dbs[0] : undefined;
  if (!c || (c.type !== 'postgres' && c.type !== 'mariadb')) {
    const list = dbs.map((d) => d.name).join(', ') || 'none';
    throw new AppError(
      dbs.length === 0 ? 'NOT_FOUND' : 'INVALID_INPUT',
      name
        ? `Snapshot ${snap.id.slice(0, 8)} has no database component "${name}" (it has: ${list}).`
        : `Snapshot ${snap.id.slice(0, 8)} has ${dbs.length === 0 ? 'no database component' : `several database components (${list}); choose one with --component`}.`,
    );
  }
  return c;
}

export async function restoreDatabase(
  repo: Repository,
  snap: SnapshotManifest,
  opts: DatabaseRestoreOptions,
): Promise<DatabaseRestoreResult> {
  const comp = databaseComponent(snap, opts.component);
  if (comp.type !== opts.target.kind) {
    throw new AppError(
      'INVALID_INPUT',
      `Component ${comp.name} is a ${comp.type} dump; the target is a ${opts.target.kind} server.`,
    );
  }
  const mode = opts.mode ?? 'new';
  const auth = opts.password !== undefined ? { password: opts.password } : {};
  let safetySnapshot: string | undefined;
  if (mode === 'replace') {
    if (opts.confirm !== opts.target.database) {
      throw new AppError(
        'CONFLICT',
        `Replacing database "${opts.target.database}" needs a typed confirmation of its name.`,
        {
          hint: `Type the database name exactly (--confirm ${opts.target.database}). A safety snapshot of it is taken first.`,
        },
      );
    }
    const safety = await backupWithDatabases(repo, {
      databases: [{ profile: opts.target, ...auth }],
      kind: 'safety',
      name: `Pre-restore safety snapshot of ${opts.target.database}`,
      tags: ['pre-restore', `restore-of:${snap.id.slice(0, 8)}`],
      parent: null,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.tempDir ? { tempDir: opts.tempDir } : {}),
    }).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return undefined; // nothing to protect yet
      throw e;
    });
    safetySnapshot = safety?.snapshot.id;
  }
  const tmp = await mkdtemp(join(opts.tempDir ?? process.env.MVONO_TMPDIR ?? tmpdir(), 'mvono-restore-'));
  try {
    let dir: string;
    let source: DumpSource | undefined;
    if (comp.type === 'postgres') {
      const streamed = !opts.tables?.length;
      ({ dir, source } = await stagePostgres(repo, snap, comp.name, tmp, streamed, opts.signal));
    } else {
      dir = await restoreComponent(repo, snap, comp.name, tmp, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.progress ? { progress: opts.progress } : {}),
      });
    }
    const common = {
      ...auth,
      mode,
      ...(opts.tables?.length ? { tables: opts.tables } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
    };
    const res =
      comp.type === 'postgres'
        ? await restorePostgres(dir, opts.target, {
            ...common,
            ...(source ? { source } : {}),
            ...(opts.splitTableBytes === undefined ? {} : { splitTableBytes: opts.splitTableBytes }),
            ...(opts.precreated ? { precreated: opts.precreated } : {}),
          })
        : await (await import('../../sources/mariadb/restore.js')).restoreMariadb(dir, opts.target, common);
    const vopts = { ...auth, ...(opts.tables?.length ? { tables: opts.tables } : {}) };
    const loadedRows = comp.type === 'postgres' ? (res as PgRestoreResult).loadedRows : undefined;
    const loaded = loadedRows ? { loadedRows } : {};
    const validation =
      comp.type === 'postgres'
        ? await validatePostgres(comp.facts, opts.target, { ...vopts, ...loaded })
        : await (await import('../../sources/mariadb/validate.js')).validateMariadb(
            comp.facts,
            opts.target,
            vopts,
          );
    if (!validation.ok) {
      for (const line of describeMismatches(validation)) opts.progress?.log('error', `Validation: ${line}`);
    }
    return {
      component: comp.name,
      database: opts.target.database,
      ...(safetySnapshot ? { safetySnapshot } : {}),
      tablesRestored: res.tablesRestored,
      validation,
      warnings: res.warnings,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Table data files larger than this are streamed (when streaming); smaller ones are written. */
const STREAM_MIN = 256 * 1024;
const TABLE_DATA_FILE = /^dump\/\d+\.dat$/;

/**
 * Lays out a PostgreSQL component in `tmp/<component>`. With `streamed`, large table data files are
 * left out and served by the returned DumpSource straight from the repository.
 */
async function stagePostgres(
  repo: Repository,
  snap: SnapshotManifest,
  component: string,
  tmp: string,
  streamed: boolean,
  signal?: AbortSignal,
): Promise<{ dir: string; source?: DumpSource }> {
  const top = (await repo.loadTree(snap.tree, signal)).nodes.find((n) => n.name === component);
  if (top?.type !== 'dir' || !top.subtree) {
    throw new AppError('NOT_FOUND', `Snapshot ${snap.id.slice(0, 8)} has no component "${component}".`);
  }
  const files = new Map<string, TreeNode>();
  await walkTree(
    repo,
    top.subtree,
    (path, n) => {
      if (n.type === 'file') files.set(path, n);
    },
    signal ? { signal } : {},
  );
  const dir = join(tmp, component);
  const local = (p: string) => join(dir, ...p.split('/'));
  const label = (p: string) => `${component}/${p}`;
  const piped = new Map(
    [...files].filter(([p, n]) => streamed && TABLE_DATA_FILE.test(p) && (n.size ?? 0) > STREAM_MIN),
  );
  await mkdir(join(dir, 'dump'), { recursive: true });
  const written = [...files].filter(([p]) => !piped.has(p));
  for (const d of new Set(written.map(([p]) => dirname(local(p))))) await mkdir(d, { recursive: true });
  await mapLimit(written, 8, async ([p, n]) => {
    const data = readNodeStream(repo, n, { ...(signal ? { signal } : {}), path: label(p) });
    await pipeline(Readable.from(data), createWriteStream(local(p), { mode: 0o600 }));
  });
  if (piped.size === 0) return { dir };
  const node = (p: string) => {
    const n = piped.get(p);
    if (!n) throw new AppError('INTERNAL', `${label(p)} is not a streamed file.`);
    return n;
  };
  const source: DumpSource = {
    has: (p) => piped.has(p),
    size: (p) => node(p).size ?? 0,
    open: (p, start) =>
      readNodeStream(repo, node(p), {
        ...(signal ? { signal } : {}),
        path: label(p),
        ...(start ? { start } : {}),
      }),
  };
  return { dir, source };
}
