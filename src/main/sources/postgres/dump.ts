/**
 * Dumps a PostgreSQL database into `dir`:
 *   dir/dump/         pg_dump directory format, uncompressed (toc.dat + one file per table), so
 *                     unchanged tables dedup across days and tables restore selectively;
 *   dir/globals.sql   roles and tablespaces (pg_dumpall --globals-only --no-role-passwords), when
 *                     the user may read them (otherwise a warning);
 *   dir/facts.json    the DbFacts returned.
 * One REPEATABLE READ transaction exports a snapshot; pg_dump (all -j workers) and the facts queries
 * all read that snapshot, so facts describe exactly what the dump holds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noProgress, type ProgressReporter } from '../../engine/progress.js';
import { type Clock, systemClock } from '../../platform/clock.js';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import { ProcessError, runProcess } from '../../platform/process.js';
import { isNoSpace, mapLimit, removeQuietly, toolError } from '../common.js';
import type { DbFacts } from '../facts.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';
import { schemaFingerprint } from '../schema-history/normalise.js';
import {
  connectPg,
  mapPgError,
  type PgToolsOptions,
  pgEnv,
  pgTool,
  STABLE_TEXT_SETTINGS,
} from './connect.js';
import { listPgTables, pgSequences, pgServerInfo, pgTableFacts } from './facts.js';
import { preflightPostgres } from './preflight.js';
import { pgSchemaText } from './schema.js';

export interface PgDumpOptions extends DbAuth {
  jobs?: number;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  tools?: PgToolsOptions;
  clock?: Clock;
  /** Skip the free-space estimate (the dump still fails with NO_SPACE if the disk fills). */
  checkSpace?: boolean;
  /** Dump roles/tablespaces to globals.sql (default true). */
  globals?: boolean;
}

export async function dumpPostgres(p: DbProfile, dir: string, opts: PgDumpOptions = {}): Promise<DbFacts> {
  const progress = opts.progress ?? noProgress;
  const clock = opts.clock ?? systemClock;
  const what = `dump of ${describeProfile(p)}`;
  await mkdir(dir, { recursive: true });
  const pre = await preflightPostgres(p, {
    ...opts,
    tempDir: dir,
    ...(opts.checkSpace === undefined ? {} : { checkSpace: opts.checkSpace }),
  });
  progress.update({ phase: 'postgres: snapshot', bytesDone: 0, filesDone: 0, rate: 0 });
  const outputs = ['dump', 'globals.sql', 'facts.json'].map((f) => join(dir, f));
  const client = await connectPg(p, opts);
  const abort = () => void client.end().catch(() => {});
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    for (const s of STABLE_TEXT_SETTINGS) await client.query(s);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snap = await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s');
    const snapshot = snap.rows[0]?.s;
    if (!snapshot)
      throw new AppError('SOURCE_FAILED', `Could not export a snapshot of ${describeProfile(p)}.`);
    const takenAt = clock.now().toISOString();
    const tables = await listPgTables(client);

    const dumpRun = runPgDump(p, dir, snapshot, tables.length, opts, progress);
    const schemaRun = pgSchemaText(p, { ...opts, snapshot });
    // Facts on the snapshot-holding connection (one query at a time on one connection).
    const factsRun = (async () => {
      const info = await pgServerInfo(client);
      const tf = await mapLimit(tables, 1, (t) => pgTableFacts(client, t));
      const sequences = await pgSequences(client);
      return { info, tf, sequences };
    })();
    const [schema, f] = await Promise.all([schemaRun, factsRun, dumpRun]).then(([s, f]) => [s, f] as const);
    await client.query('COMMIT');
    throwIfAborted(opts.signal);

    const warnings = [...pre.warnings];
    if (opts.globals !== false) {
      const w = await dumpGlobals(p, dir, opts);
      if (w) {
        warnings.push(w);
        progress.log('warn', w);
      }
    }
    const facts: DbFacts = {
      kind: 'postgres',
      database: p.database,
      serverVersion: f.info.version,
      takenAt,
      sizeBytes: f.info.size,
      schemaFingerprint: schemaFingerprint(schema),
      tables: f.tf,
      sequences: f.sequences,
      dumpTool: `pg_dump ${pre.toolVersion}`,
      warnings,
    };
    await writeFile(join(dir, 'facts.json'), `${JSON.stringify(facts, null, 2)}\n`);
    progress.update({
      phase: 'postgres: dumped',
      bytesDone: 0,
      filesDone: tables.length,
      filesTotal: tables.length,
      rate: 0,
    });
    return facts;
  } catch (e) {
    for (const o of outputs) await removeQuietly(o);
    throwIfAborted(opts.signal);
    if (e instanceof AppError) throw e;
    if (e instanceof ProcessError || isNoSpace(e)) throw toolError(e, what, dir);
    throw mapPgError(e, p);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    await client.end().catch(() => {});
  }
}

async function runPgDump(
  p: DbProfile,
  dir: string,
  snapshot: string,
  total: number,
  opts: PgDumpOptions,
  progress: ProgressReporter,
): Promise<void> {
  let done = 0;
  const args = [
    '--format=directory',
    '--compress=0',
    `--jobs=${Math.max(1, opts.jobs ?? 2)}`,
    `--snapshot=${snapshot}`,
    '--no-sync',
    '--verbose',
    '--file',
    join(dir, 'dump'),
    '--dbname',
    p.database,
  ];
  try {
    await runProcess(pgTool('pg_dump', opts.tools), args, {
      env: pgEnv(p, opts),
      stdout: 'ignore',
      ...(opts.signal ? { signal: opts.signal } : {}),
      onStderrLine: (line) => {
        const m = /dumping contents of table "([^"]+)"/.exec(line);
        if (m) {
          done++;
          progress.update({
            phase: 'postgres: dumping tables',
            bytesDone: 0,
            filesDone: done,
            filesTotal: total,
            current: m[1],
            rate: 0,
          });
        }
      },
    });
  } catch (e) {
    throw toolError(e, `pg_dump of ${describeProfile(p)}`, dir);
  }
}

/** Returns a warning instead of failing when roles cannot be read (no superuser). */
async function dumpGlobals(p: DbProfile, dir: string, opts: PgDumpOptions): Promise<string | undefined> {
  const file = join(dir, 'globals.sql');
  try {
    await runProcess(
      pgTool('pg_dumpall', opts.tools),
      ['--globals-only', '--no-role-passwords', '--file', file, '--database', p.database],
      { env: pgEnv(p, opts), ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    return undefined;
  } catch (e) {
    await removeQuietly(file);
    throwIfAborted(opts.signal);
    const err = toolError(e, 'pg_dumpall --globals-only', dir);
    if (err.code === 'NO_SPACE') throw err;
    return `Roles and tablespaces were not saved (${err.message}); restore with --no-owner or create the roles first.`;
  }
}
