/**
 * Database restore from a snapshot: the component's dump directory is restored into a private
 * temporary directory, then pg_restore / mariadb loads it into the target, then the restored
 * database is validated against the facts recorded at backup time.
 * Replacing an existing database requires a typed confirmation of its name and first takes a
 * safety snapshot of it (kind "safety") into the same repository. Authorization (who may replace
 * production) is the host's job; this function enforces what holds for every caller.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../platform/errors.js';
import type { Repository } from '../../repo/repository.js';
import type { SnapshotManifest } from '../../repo/snapshot.js';
import {
  type DbProfile,
  restoreMariadb,
  restorePostgres,
  type ValidationReport,
  validateMariadb,
  validatePostgres,
} from '../../sources/index.js';
import { backupWithDatabases } from '../backup/databases.js';
import type { ProgressReporter } from '../progress.js';
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
  /** Skip the pre-restore safety snapshot (only when the target database does not exist). */
  tempDir?: string;
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
    const dir = await restoreComponent(repo, snap, comp.name, tmp, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
    });
    const common = {
      ...auth,
      mode,
      ...(opts.tables?.length ? { tables: opts.tables } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
    };
    const res =
      comp.type === 'postgres'
        ? await restorePostgres(dir, opts.target, common)
        : await restoreMariadb(dir, opts.target, common);
    const vopts = { ...auth, ...(opts.tables?.length ? { tables: opts.tables } : {}) };
    const validation =
      comp.type === 'postgres'
        ? await validatePostgres(comp.facts, opts.target, vopts)
        : await validateMariadb(comp.facts, opts.target, vopts);
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
