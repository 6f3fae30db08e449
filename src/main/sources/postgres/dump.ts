/**
 * Dumps a PostgreSQL database into `dir`:
 *   dir/dump/         pg_dump directory format, uncompressed (toc.dat + one file per table), so
 *                     unchanged tables dedup across days and tables restore selectively;
 *   dir/globals.sql   roles and tablespaces (pg_dumpall --globals-only --no-role-passwords), when
 *                     the user may read them (otherwise a warning);
 *   dir/facts.json    the DbFacts returned.
 * One REPEATABLE READ transaction exports a snapshot; pg_dump (all -j workers) and the facts queries
 * all read that snapshot, so facts describe exactly what the dump holds. pg_dump, the schema-only
 * dump (fingerprint), pg_dumpall (globals) and the facts queries run at the same time.
 *
 * With `opts.sink` the same files are streamed into the sink instead of being left in `dir`: each
 * table's data file is read while pg_dump is still writing it (see run-dump.ts), so storing
 * overlaps dumping; `dir` only holds pg_dump's files in flight.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { noProgress, type ProgressReporter } from '../../engine/progress.js';
import { type Clock, systemClock } from '../../platform/clock.js';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import { ProcessError, runProcess } from '../../platform/process.js';
import { isNoSpace, mapLimit, removeQuietly, toolError } from '../common.js';
import type { DbFacts } from '../facts.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';
import { schemaFingerprint } from '../schema-history/normalise.js';
import type { DumpSink } from '../sink.js';
import { mapPgError, pgEnv, STABLE_TEXT_SETTINGS } from './connect.js';
import {
  countRows,
  listPgTables,
  type PgTable,
  pgSequences,
  pgServerInfo,
  pgTableFacts,
  ROWS_FROM_DUMP,
} from './facts.js';
import { connectChecked, type PgPreflightResult } from './preflight.js';
import { runPgDump, streamPgDump } from './run-dump.js';
import { pgArchiveSchemaText } from './schema.js';
import { readToc, type Toc } from './toc.js';
import { type PgToolsOptions, pgTool } from './tools.js';

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
  /** Stream the dump's files here instead of leaving them in `dir` (which then holds work files only). */
  sink?: DumpSink;
  /** Called once pg_dump has been started (after the preflight and the snapshot). */
  onStarted?: () => void;
}

export async function dumpPostgres(p: DbProfile, dir: string, opts: PgDumpOptions = {}): Promise<DbFacts> {
  const progress = opts.progress ?? noProgress;
  const clock = opts.clock ?? systemClock;
  const what = `dump of ${describeProfile(p)}`;
  await mkdir(dir, { recursive: true });
  // The preflight runs on the connection that then holds the snapshot (one connection, not two).
  let pre: PgPreflightResult;
  let client: pg.Client;
  try {
    ({ client, pre } = await connectChecked(p, {
      ...opts,
      tempDir: dir,
      ...(opts.checkSpace === undefined ? {} : { checkSpace: opts.checkSpace }),
    }));
  } catch (e) {
    throwIfAborted(opts.signal);
    throw mapPgError(e, p);
  }
  progress.update({ phase: 'postgres: snapshot', bytesDone: 0, filesDone: 0, rate: 0 });
  const outputs = ['dump', 'globals.sql', 'facts.json'].map((f) => join(dir, f));
  // A failing part (pg_dump, the sink, a facts query) stops the others through `stop`.
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const abort = () => void client.end().catch(() => {});
  signal.addEventListener('abort', abort, { once: true });
  let firstError: unknown;
  let stored = false;
  const dumpDir = join(dir, 'dump');
  const guard = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (firstError === undefined) {
        firstError = e;
        stop.abort();
      }
      throw e;
    });
  try {
    // One round trip: the settings, the transaction and its exported snapshot.
    const results = (await client.query(
      [
        ...STABLE_TEXT_SETTINGS,
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        'SELECT pg_export_snapshot() AS s',
      ].join('; '),
    )) as unknown as pg.QueryResult<{ s?: string }>[];
    const snapshot = results.at(-1)?.rows[0]?.s;
    if (!snapshot)
      throw new AppError('SOURCE_FAILED', `Could not export a snapshot of ${describeProfile(p)}.`);
    const takenAt = clock.now().toISOString();
    // The tables are listed (in the snapshot) once pg_dump has been started with it.
    let tableCount: number | undefined;

    const partOpts = { ...opts, signal };
    // The schema text (fingerprint) comes from the dump's own toc.dat: `pg_restore --schema-only`
    // of the archive prints what `pg_dump --schema-only` would, without a second pg_dump reading
    // the catalogs. Streaming, it runs while the table data is dumped (toc.dat is complete then),
    // beside `pg_restore --list`, which says which data file holds which table: each data file's
    // newlines are counted while it is stored, and give the tables' row counts (facts.ts).
    const lines = opts.sink ? new Map<string, number>() : undefined;
    const tocOf = async (): Promise<{ schema: string; toc?: Toc }> => {
      const [schema, toc] = await Promise.all([
        pgArchiveSchemaText(dumpDir, partOpts),
        lines ? readToc(dumpDir, opts.tools, signal) : undefined,
      ]);
      return toc ? { schema, toc } : { schema };
    };
    const onFail = (e: unknown) => void guard(Promise.reject(e)).catch(() => {});
    const dumpRun = guard(
      opts.sink
        ? streamPgDump(
            p,
            dir,
            snapshot,
            () => tableCount,
            partOpts,
            opts.sink,
            progress,
            onFail,
            tocOf,
            lines,
          )
        : runPgDump(p, dir, snapshot, () => tableCount, partOpts, progress).then(tocOf),
    );
    const globalsRun = guard(
      opts.globals === false ? Promise.resolve(undefined) : dumpGlobals(p, dir, partOpts, opts.sink),
    );
    // Facts on the snapshot-holding connection (one query at a time on one connection).
    const listing = guard(listPgTables(client));
    const factsRun = guard(
      (async () => {
        const tables = await listing;
        tableCount = tables.length;
        const info = await pgServerInfo(client);
        const rows = lines ? 'from-dump' : undefined;
        const tf = await mapLimit(tables, 1, (t) => pgTableFacts(client, t, undefined, rows));
        const sequences = await pgSequences(client);
        return { info, tf, sequences };
      })(),
    );
    const settled = await Promise.allSettled([dumpRun, factsRun, globalsRun]);
    if (firstError !== undefined) throw firstError;
    const tables = await listing;
    const [{ schema, toc }, f, globalsWarning] = settled.map((r) =>
      r.status === 'fulfilled' ? r.value : undefined,
    ) as [Awaited<ReturnType<typeof tocOf>>, Awaited<typeof factsRun>, string | undefined];
    // Row counts the dump was to give; count(*) in the snapshot for any table it did not.
    const dumped = toc && lines ? rowsInDump(toc, lines) : new Map<string, number>();
    for (const [i, t] of f.tf.entries()) {
      if (t.rows !== ROWS_FROM_DUMP) continue;
      t.rows = dumped.get(t.name) ?? (await countRows(client, tables[i] as PgTable)); // tf is in table order
    }
    await client.query('COMMIT');
    throwIfAborted(signal);

    const warnings = [...pre.warnings];
    if (globalsWarning) {
      warnings.push(globalsWarning);
      progress.log('warn', globalsWarning);
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
    const factsJson = `${JSON.stringify(facts, null, 2)}\n`;
    if (opts.sink) await opts.sink.file('facts.json', Buffer.from(factsJson));
    else await writeFile(join(dir, 'facts.json'), factsJson);
    progress.update({
      phase: 'postgres: dumped',
      bytesDone: 0,
      filesDone: tables.length,
      filesTotal: tables.length,
      rate: 0,
    });
    stored = true;
    return facts;
  } catch (e) {
    for (const o of outputs) await removeQuietly(o);
    throwIfAborted(opts.signal);
    if (e instanceof AppError) throw e;
    if (e instanceof ProcessError || isNoSpace(e)) throw toolError(e, what, dir);
    throw mapPgError(e, p);
  } finally {
    signal.removeEventListener('abort', abort);
    await client.end().catch(() => {});
    if (opts.sink) {
      // After a dump stored whole, not waited for: the last close of the largest table's data file
      // (unlinked when opened) is usually still freeing its pages then (~0.1 s for 300 MB here), and
      // removing the directory waits for it (rmdir took 58 ms, strace). The caller removes its
      // temp directory later (backupWithDatabases, after the snapshot is saved).
      const removing = removeQuietly(dumpDir);
      if (!stored) await removing;
    }
  }
}

/**
 * "schema.table" -> rows, from the newlines counted in each table's data file. pg_dump writes a
 * table's COPY text (one line per row: newlines in values are escaped) and then "\\.\n\n\n". A
 * name that two TOC entries would share (a schema name with a space can make "a b.c" read like
 * "a.b c") is left out, and so counted by the caller.
 */
export function rowsInDump(toc: Toc, lines: ReadonlyMap<string, number>): Map<string, number> {
  const rows = new Map<string, number>();
  const seen = new Set<string>();
  for (const e of toc.entries) {
    if (e.type !== 'TABLE DATA') continue;
    const name = `${e.schema}.${e.tag}`;
    const n = lines.get(`${e.id}.dat`);
    if (seen.has(name)) rows.delete(name);
    else if (n !== undefined && n >= 3) rows.set(name, n - 3);
    seen.add(name);
  }
  return rows;
}

/** Returns a warning instead of failing when roles cannot be read (no superuser). */
async function dumpGlobals(
  p: DbProfile,
  dir: string,
  opts: PgDumpOptions,
  sink: DumpSink | undefined,
): Promise<string | undefined> {
  const file = join(dir, 'globals.sql');
  const out: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk);
      cb();
    },
  });
  try {
    await runProcess(
      pgTool('pg_dumpall', opts.tools),
      ['--globals-only', '--no-role-passwords', ...(sink ? [] : ['--file', file]), '--database', p.database],
      {
        env: pgEnv(p, opts),
        ...(sink ? { stdout: collect } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
  } catch (e) {
    await removeQuietly(file);
    throwIfAborted(opts.signal);
    const err = toolError(e, 'pg_dumpall --globals-only', dir);
    if (err.code === 'NO_SPACE') throw err;
    return `Roles and tablespaces were not saved (${err.message}); restore with --no-owner or create the roles first.`;
  }
  if (sink) await sink.file('globals.sql', Buffer.concat(out));
  return undefined;
}
