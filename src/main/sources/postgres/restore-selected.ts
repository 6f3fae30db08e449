/**
 * Selective restore of tables (with their partitions, indexes, constraints, triggers, defaults,
 * comments and owned sequences) or schemas into an EXISTING database, touching nothing else.
 * - Tables absent from the target are created and filled (pg_restore -L with exactly their entries).
 * - Tables present in the target: mode 'new' fails with CONFLICT; mode 'replace' replaces their rows
 *   in ONE transaction (psql --single-transaction): session_replication_role = replica (so neither
 *   triggers nor foreign-key checks fire on other tables), DELETE, then the archive's data and
 *   sequence values (pg_restore --data-only --disable-triggers). Requires a superuser, as
 *   --disable-triggers does.
 * - `dataOnly`: only rows (and sequence values); every selected table must exist.
 * If creating tables fails or is cancelled, the tables created so far are dropped again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { noProgress } from '../../engine/progress.js';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import { runProcess } from '../../platform/process.js';
import { toolError } from '../common.js';
import { type DbProfile, describeProfile } from '../profile.js';
import { connectPg, mapPgError, pgEnv, quoteQualified } from './connect.js';
import { ownershipArgs, type PgRestoreOptions, type PgRestoreResult, runPgRestore } from './restore.js';
import {
  entryTable,
  qualifyTable,
  selectEntries,
  type Toc,
  type TocEntry,
  tableLinks,
  withPartitions,
} from './toc.js';
import { pgTool } from './tools.js';

export async function restoreSelected(
  dumpDir: string,
  toc: Toc,
  target: DbProfile,
  opts: PgRestoreOptions,
): Promise<PgRestoreResult> {
  const progress = opts.progress ?? noProgress;
  const warnings: string[] = [];
  const links = await tableLinks(dumpDir, toc, opts.tools, opts.signal);
  const inDump = new Set(toc.entries.filter((e) => e.type === 'TABLE').map((e) => `${e.schema}.${e.tag}`));
  const requested = (opts.tables ?? []).map(qualifyTable);
  const unknown = requested.filter((t) => !inDump.has(t));
  const schemas = new Set(opts.schemas ?? []);
  const dumpSchemas = new Set(toc.entries.map((e) => e.schema));
  const unknownSchemas = [...schemas].filter((s) => !dumpSchemas.has(s));
  if (unknown.length || unknownSchemas.length) {
    throw new AppError(
      'NOT_FOUND',
      `Not in the dump: ${[...unknown, ...unknownSchemas.map((s) => `schema ${s}`)].join(', ')}.`,
      {
        hint: 'List the dump\'s tables with the snapshot details; names are "schema.table" or "table" for public.',
      },
    );
  }
  const selected = withPartitions(new Set(requested), links);
  for (const e of toc.entries)
    if (e.type === 'TABLE' && schemas.has(e.schema)) selected.add(`${e.schema}.${e.tag}`);

  const client = await connectPg(target, opts);
  let created: string[] = [];
  try {
    const existing = await existingTables(client, [...selected]);
    const missing = [...selected].filter((t) => !existing.has(t));
    if (opts.dataOnly && missing.length) {
      throw new AppError(
        'NOT_FOUND',
        `Table(s) ${missing.join(', ')} do not exist in the target ${describeProfile(target)}.`,
        {
          hint: 'A data-only restore fills existing tables; restore without data-only to create them.',
        },
      );
    }
    if (existing.size && opts.mode !== 'replace') {
      throw new AppError(
        'CONFLICT',
        `Table(s) ${[...existing].join(', ')} already exist in the target ${describeProfile(target)}.`,
        {
          hint: 'Choose "replace" to replace their rows, or restore into another database.',
        },
      );
    }
    const tmp = await mkdtemp(join(tmpdir(), 'mvono-pglist-'));
    try {
      if (missing.length) {
        const missingSet = new Set(missing);
        const missingSchemas = await absentSchemas(client, schemas);
        const entries = selectEntries(toc, links, missingSet, new Set()).concat(
          toc.entries.filter((e) => e.type === 'SCHEMA' && missingSchemas.has(e.tag)),
        );
        const list = join(tmp, 'create.list');
        await writeFile(list, listFile(toc, entries));
        const ownerArgs = await ownershipArgs(client, toc, opts.owner ?? 'auto', warnings);
        created = missing;
        const total = entries.filter((e) => e.type === 'TABLE DATA').length;
        await runPgRestore(target, [...ownerArgs, '--use-list', list, dumpDir], opts, total, progress);
        throwIfAborted(opts.signal);
        created = [];
      }
      if (existing.size) {
        const entries = selectEntries(toc, links, existing, new Set()).filter(
          (e) => e.type === 'TABLE DATA' || e.type === 'SEQUENCE SET',
        );
        const list = join(tmp, 'data.list');
        await writeFile(list, listFile(toc, entries));
        await replaceRows(dumpDir, list, entries, links, target, opts);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const restored = toc.entries.filter(
      (e) => e.type === 'TABLE DATA' && selected.has(`${e.schema}.${e.tag}`),
    ).length;
    for (const w of warnings) progress.log('warn', w);
    return { database: target.database, tablesRestored: restored, warnings };
  } catch (e) {
    if (created.length) {
      const names = created.map((t) => quoteQualified(...(splitQualified(t) as [string, string]))).join(', ');
      await client.query(`DROP TABLE IF EXISTS ${names}`).catch(() => {});
    }
    throwIfAborted(opts.signal);
    if (e instanceof AppError) throw e;
    throw mapPgError(e, target);
  } finally {
    await client.end().catch(() => {});
  }
}

function splitQualified(t: string): [string, string] {
  const i = t.indexOf('.');
  return [t.slice(0, i), t.slice(i + 1)];
}

/** Keeps the archive's header lines so pg_restore accepts the list, then the chosen entries. */
function listFile(toc: Toc, entries: TocEntry[]): string {
  const ids = new Set(entries.map((e) => e.id));
  return `${toc.entries
    .filter((e) => ids.has(e.id))
    .map((e) => e.line)
    .join('\n')}\n`;
}

async function existingTables(c: pg.Client, tables: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const t of tables) {
    const [s, n] = splitQualified(t);
    const r = await c.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [
      quoteQualified(s, n),
    ]);
    if (r.rows[0]?.r) out.add(t);
  }
  return out;
}

async function absentSchemas(c: pg.Client, schemas: Set<string>): Promise<Set<string>> {
  const r = await c.query<{ n: string }>(
    'SELECT nspname::text AS n FROM pg_namespace WHERE nspname = ANY($1)',
    [[...schemas]],
  );
  const have = new Set(r.rows.map((x) => x.n));
  return new Set([...schemas].filter((s) => !have.has(s)));
}

async function replaceRows(
  dumpDir: string,
  list: string,
  entries: TocEntry[],
  links: Awaited<ReturnType<typeof tableLinks>>,
  target: DbProfile,
  opts: PgRestoreOptions,
): Promise<void> {
  const tables = entries
    .filter((e) => e.type === 'TABLE DATA')
    .map((e) => entryTable(e, links) ?? `${e.schema}.${e.tag}`);
  const feed = new PassThrough();
  feed.write('SET session_replication_role = replica;\n');
  for (const t of tables) feed.write(`DELETE FROM ${quoteQualified(...splitQualified(t))};\n`);
  const signal = opts.signal ? { signal: opts.signal } : {};
  const env = pgEnv(target, opts);
  try {
    await Promise.all([
      runProcess(
        pgTool('pg_restore', opts.tools),
        ['--data-only', '--disable-triggers', '--use-list', list, '--file', '-', dumpDir],
        { env, stdout: feed, ...signal },
      ),
      runProcess(
        pgTool('psql', opts.tools),
        [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '--single-transaction',
          '--dbname',
          target.database,
          '--file',
          '-',
        ],
        { env, stdin: feed, stdout: 'ignore', ...signal },
      ),
    ]);
  } catch (e) {
    throw toolError(e, `replacing rows of ${tables.join(', ')} in ${describeProfile(target)}`);
  }
}
