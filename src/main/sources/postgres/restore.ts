/**
 * Restores a dump made by dump.ts (`dir/dump`, `dir/globals.sql`).
 * - Whole database, mode 'new': CREATE DATABASE (CONFLICT if it exists), pg_restore -j into it; on
 *   failure or cancel the new database is dropped.
 * - Whole database, mode 'replace': restores into a fresh temporary database first and only then
 *   swaps it in (DROP old, RENAME new), so a failed restore leaves the original untouched.
 * - Selected tables or schemas: see restore-selected.ts.
 * Ownership is kept when every owning role exists on the target (owner 'auto'), otherwise objects
 * are owned by the restoring user and grants are skipped; `globals: true` creates roles first.
 * With `source` (table data streamed from the repository instead of files in `dir/dump`), a whole
 * restore runs in three steps: pg_restore --section=pre-data, the data (restore-data.ts: `jobs`
 * COPY streams, largest tables first), pg_restore --section=post-data -j (indexes, constraints,
 * triggers, grants in parallel), the staged restore the sections exist for.
 */
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { noProgress, type ProgressReporter } from '../../engine/progress.js';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import { runProcess } from '../../platform/process.js';
import { toolError } from '../common.js';
import { type DbAuth, type DbProfile, describeProfile, withDatabase } from '../profile.js';
import type { DumpSource } from '../sink.js';
import { connectPg, mapPgError, pgEnv, quoteIdent, withPg } from './connect.js';
import { copyStatements, loadDataSection } from './restore-data.js';
import { restoreSelected } from './restore-selected.js';
import { readToc, type Toc } from './toc.js';
import { type PgToolsOptions, pgTool } from './tools.js';

export interface PgRestoreOptions extends DbAuth {
  mode?: 'new' | 'replace';
  tables?: string[];
  schemas?: string[];
  dataOnly?: boolean;
  jobs?: number;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  tools?: PgToolsOptions;
  /** Run globals.sql (roles, tablespaces) before restoring; existing roles are left as they are. */
  globals?: boolean;
  /** 'auto' (default): keep ownership and grants when all owning roles exist on the target. */
  owner?: 'auto' | 'keep' | 'drop';
  /** Database to connect to for CREATE/DROP DATABASE (default "postgres"). */
  maintenanceDb?: string;
  /** Table data files streamed instead of read from `dir` (whole-database restores only). */
  source?: DumpSource;
  /**
   * Whole-database restores from a stream: tables whose data is at least this many bytes are
   * loaded in up to `jobs` parts at once (restore-data.ts; default 64 MiB, at least 64 KiB); 0 loads
   * every table in one session.
   */
  splitTableBytes?: number;
  /**
   * Mode 'new': the target database, being created empty for this restore by
   * `createRestoreDatabase` (since before the repository was opened; awaited once the dump's TOC
   * is read). The restore loads into it and, once it has begun, owns it: it sets `taken` and drops
   * the database if it fails.
   */
  precreated?: Promise<PrecreatedDatabase>;
}

/** A database created empty for a restore that has not begun yet (see `createRestoreDatabase`). */
export interface PrecreatedDatabase {
  database: string;
  /** Set once the restore has taken the database over (from then on it drops it on failure). */
  taken: boolean;
}

export interface PgRestoreResult {
  database: string;
  tablesRestored: number;
  warnings: string[];
  /** Streamed whole-database restores: rows each table's COPYs inserted (for validatePostgres). */
  loadedRows?: Record<string, number>;
}

export async function restorePostgres(
  dir: string,
  target: DbProfile,
  opts: PgRestoreOptions = {},
): Promise<PgRestoreResult> {
  const dumpDir = join(dir, 'dump');
  try {
    await access(join(dumpDir, 'toc.dat'));
  } catch {
    throw new AppError('NOT_FOUND', `No PostgreSQL dump found in ${dir} (expected dump/toc.dat).`, {
      hint: 'Restore the database component of the snapshot into this directory first.',
    });
  }
  throwIfAborted(opts.signal);
  const toc = await readToc(dumpDir, opts.tools, opts.signal);
  if ((opts.tables?.length ?? 0) > 0 || (opts.schemas?.length ?? 0) > 0) {
    if (opts.source) {
      throw new AppError('INVALID_INPUT', 'A selective restore reads the dump from files, not streams.', {
        hint: 'Restore the component into a directory first.',
      });
    }
    return restoreSelected(dumpDir, toc, target, opts);
  }
  return restoreWhole(dir, dumpDir, toc, target, opts);
}

/**
 * Creates the target of a whole-database restore into a new database ahead of the restore, so that
 * CREATE DATABASE (~0.1 s) overlaps opening the repository and staging the dump. CONFLICT when the
 * database exists (nothing is touched). Until a restore sets `taken`, the caller drops it on failure
 * (`dropRestoreDatabase`).
 */
export async function createRestoreDatabase(
  target: DbProfile,
  opts: DbAuth & { maintenanceDb?: string } = {},
): Promise<PrecreatedDatabase> {
  await withPg(
    target,
    opts,
    async (admin) => {
      if (await databaseExists(admin, target.database)) throw targetExists(target);
      await createEmptyDatabase(admin, target.database);
    },
    opts.maintenanceDb ?? 'postgres',
  ).catch((e: unknown) => {
    throw mapPgError(e, target);
  });
  return { database: target.database, taken: false };
}

/** Drops a database made by `createRestoreDatabase` that no restore has taken over. */
export async function dropRestoreDatabase(
  target: DbProfile,
  made: PrecreatedDatabase,
  opts: DbAuth & { maintenanceDb?: string } = {},
): Promise<void> {
  if (made.taken) return;
  await withPg(target, opts, (admin) => dropDatabase(admin, made.database), opts.maintenanceDb ?? 'postgres');
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
}

async function createEmptyDatabase(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
}

/** Drops a database this restore made, sessions and all. */
async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

function targetExists(target: DbProfile): AppError {
  return new AppError('CONFLICT', `The target ${describeProfile(target)} already exists.`, {
    hint: 'Restore into a new database name, or choose "replace" to overwrite it.',
  });
}

async function restoreWhole(
  dir: string,
  dumpDir: string,
  toc: Toc,
  target: DbProfile,
  opts: PgRestoreOptions,
) {
  const progress = opts.progress ?? noProgress;
  const warnings: string[] = [];
  const admin = await connectPg(target, opts, opts.maintenanceDb ?? 'postgres');
  let created: string | undefined;
  let loadedRows: Record<string, number> | undefined;
  try {
    const pre = opts.mode !== 'replace' ? await opts.precreated : undefined;
    if (pre) {
      pre.taken = true;
      created = pre.database;
    }
    const exists = pre ? false : await databaseExists(admin, target.database);
    if (exists && opts.mode !== 'replace') throw targetExists(target);
    const work = exists
      ? `${target.database.slice(0, 40)}__restore_${randomBytes(4).toString('hex')}`
      : target.database;
    if (opts.globals) warnings.push(...(await runGlobals(dir, target, opts)));
    if (!pre) {
      await createEmptyDatabase(admin, work);
      created = work;
    }
    const ownerArgs = await ownershipArgs(admin, toc, opts.owner ?? 'auto', warnings);
    const total = toc.entries.filter((e) => e.type === 'TABLE DATA').length;
    const into = withDatabase(target, work);
    if (opts.source) {
      const run = (args: string[]) => runPgRestore(into, args, opts, total, progress);
      const copies = copyStatements(dumpDir, toc, opts);
      copies.catch(() => {});
      await run([...ownerArgs, '--section=pre-data', dumpDir]);
      loadedRows = (
        await loadDataSection(dumpDir, toc, into, opts.source, copies, ownerArgs, opts, progress, run)
      ).rows;
      await run([...ownerArgs, '--section=post-data', dumpDir]);
    } else {
      await runPgRestore(into, [...ownerArgs, dumpDir], opts, total, progress);
    }
    throwIfAborted(opts.signal);
    if (exists) {
      await admin.query(`DROP DATABASE ${quoteIdent(target.database)} WITH (FORCE)`);
      await admin.query(`ALTER DATABASE ${quoteIdent(work)} RENAME TO ${quoteIdent(target.database)}`);
    }
    created = undefined;
    for (const w of warnings) progress.log('warn', w);
    return {
      database: target.database,
      tablesRestored: total,
      warnings,
      ...(loadedRows ? { loadedRows } : {}),
    };
  } catch (e) {
    if (created) await dropDatabase(admin, created).catch(() => {});
    throwIfAborted(opts.signal);
    if (e instanceof AppError) throw e;
    throw mapPgError(e, target);
  } finally {
    await admin.end().catch(() => {});
  }
}

/** pg_restore args for ownership: [] to keep owners and grants, else --no-owner --no-privileges. */
export async function ownershipArgs(
  c: pg.Client,
  toc: Toc,
  mode: 'auto' | 'keep' | 'drop',
  warnings: string[],
): Promise<string[]> {
  if (mode === 'keep') return [];
  if (mode === 'drop') return ['--no-owner', '--no-privileges'];
  const owners = [...new Set(toc.entries.map((e) => e.owner).filter((o) => o && o !== '-'))];
  const r = await c.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [
    owners,
  ]);
  const have = new Set(r.rows.map((x) => x.rolname));
  const missing = owners.filter((o) => !have.has(o));
  if (missing.length === 0) return [];
  warnings.push(
    `Role(s) ${missing.join(', ')} do not exist on the target; objects are owned by the restoring user and grants were skipped.`,
  );
  return ['--no-owner', '--no-privileges'];
}

export async function runPgRestore(
  target: DbProfile,
  args: string[],
  opts: PgRestoreOptions,
  total: number,
  progress: ProgressReporter,
): Promise<void> {
  const done = new Set<string>();
  progress.update({ phase: 'postgres: restoring', bytesDone: 0, filesDone: 0, filesTotal: total, rate: 0 });
  try {
    await runProcess(
      pgTool('pg_restore', opts.tools),
      [
        `--jobs=${Math.max(1, opts.jobs ?? 2)}`,
        '--exit-on-error',
        '--verbose',
        '--dbname',
        target.database,
        ...args,
      ],
      {
        env: pgEnv(target, opts),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onStderrLine: (line) => {
          const m =
            /processing data for table "([^"]+)"/.exec(line) ??
            /finished item \d+ TABLE DATA (\S+ \S+)/.exec(line);
          const t = m?.[1]?.replace(' ', '.');
          if (t && !done.has(t)) {
            done.add(t);
            progress.update({
              phase: 'postgres: restoring',
              bytesDone: 0,
              filesDone: done.size,
              filesTotal: total,
              current: t,
              rate: 0,
            });
          }
        },
      },
    );
  } catch (e) {
    throw toolError(e, `pg_restore into ${describeProfile(target)}`);
  }
}

/** Runs globals.sql; "role already exists" and similar errors become warnings. */
async function runGlobals(dir: string, target: DbProfile, opts: PgRestoreOptions): Promise<string[]> {
  const file = join(dir, 'globals.sql');
  try {
    await access(file);
  } catch {
    return ['The dump has no globals.sql (roles were not saved); restoring without creating roles.'];
  }
  const errors: string[] = [];
  try {
    await runProcess(
      pgTool('psql', opts.tools),
      ['-X', '-q', '--dbname', opts.maintenanceDb ?? 'postgres', '--file', file],
      {
        env: pgEnv(target, opts),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onStderrLine: (l) => {
          if (/ERROR:/.test(l)) errors.push(l.replace(/^.*ERROR:\s*/, ''));
        },
      },
    );
  } catch (e) {
    throw toolError(e, 'restoring roles (globals.sql)');
  }
  const notExisting = errors.filter((x) => !/already exists/.test(x));
  return notExisting.length
    ? [`Some roles or tablespaces were not created: ${notExisting.slice(0, 3).join('; ')}`]
    : [];
}
