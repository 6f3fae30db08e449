/**
 * Restores a dump made by dump.ts with the `mariadb` client, reading the files in this order:
 * routines.sql (functions are not checked at creation, so views and triggers may use them),
 * schema/*.sql, views.sql, data/*.sql (up to `jobs` at once), triggers.sql last (so loading rows
 * fires no trigger).
 * - Whole database: mode 'new' creates it (CONFLICT if it exists) with the source's character set
 *   and collation and drops it again on failure or cancel; 'replace' drops and recreates it
 *   (MariaDB cannot rename databases, so unlike PostgreSQL this is not atomic).
 * - `tables`: into an existing database. Absent tables are created (structure, rows, their
 *   triggers); present ones fail with CONFLICT unless 'replace', which swaps their rows in one
 *   transaction with the tables' own triggers removed for the duration and put back after.
 */
import { createReadStream } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { noProgress, type ProgressReporter } from '../../engine/progress.js';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import { runProcess } from '../../platform/process.js';
import { mapLimit, toolError } from '../common.js';
import type { DbFacts } from '../facts.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';
import {
  connectMaria,
  type MariaToolsOptions,
  mapMariaError,
  mariaArgs,
  mariaEnv,
  mariaTool,
  quoteName,
} from './connect.js';
import { tableFileName } from './split.js';

export interface MariaRestoreOptions extends DbAuth {
  mode?: 'new' | 'replace';
  tables?: string[];
  dataOnly?: boolean;
  jobs?: number;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  tools?: MariaToolsOptions;
}

export interface MariaRestoreResult {
  database: string;
  tablesRestored: number;
  warnings: string[];
}

async function readFacts(dir: string): Promise<DbFacts> {
  try {
    return JSON.parse(await readFile(join(dir, 'facts.json'), 'utf8')) as DbFacts;
  } catch {
    throw new AppError(
      'NOT_FOUND',
      `No MariaDB dump found in ${dir} (expected facts.json, schema/, data/).`,
      {
        hint: 'Restore the database component of the snapshot into this directory first.',
      },
    );
  }
}

/** Feeds one SQL file (or text) to the mariadb client in the target database. */
async function load(
  target: DbProfile,
  opts: MariaRestoreOptions,
  input: string | { file: string },
  label: string,
) {
  try {
    await runProcess(
      mariaTool('mariadb', opts.tools),
      [...mariaArgs(target), '--default-character-set=utf8mb4', '--batch', '--', target.database],
      {
        env: mariaEnv(opts),
        stdin: typeof input === 'string' ? input : createReadStream(input.file),
        stdout: 'ignore',
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
  } catch (e) {
    throw toolError(e, `loading ${label} into ${describeProfile(target)}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function restoreMariadb(
  dir: string,
  target: DbProfile,
  opts: MariaRestoreOptions = {},
): Promise<MariaRestoreResult> {
  const facts = await readFacts(dir);
  throwIfAborted(opts.signal);
  if (opts.tables?.length) return restoreTables(dir, facts, target, opts);
  const progress = opts.progress ?? noProgress;
  const admin = await connectMaria(target, opts, null);
  let created = false;
  try {
    const [r] = await admin.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      target.database,
    ]);
    const present = (r as unknown[]).length > 0;
    if (present && opts.mode !== 'replace') {
      throw new AppError('CONFLICT', `The target ${describeProfile(target)} already exists.`, {
        hint: 'Restore into a new database name, or choose "replace" to overwrite it.',
      });
    }
    if (present) await admin.query(`DROP DATABASE ${quoteName(target.database)}`);
    await admin.query(
      `CREATE DATABASE ${quoteName(target.database)} CHARACTER SET ${facts.charset ?? 'utf8mb4'} COLLATE ${facts.collation ?? 'utf8mb4_general_ci'}`,
    );
    created = true;
    const schemaFiles = (await readdir(join(dir, 'schema')).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const dataFiles = (await readdir(join(dir, 'data')).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const total = dataFiles.length;
    progress.update({
      phase: 'mariadb: restoring schema',
      bytesDone: 0,
      filesDone: 0,
      filesTotal: total,
      rate: 0,
    });
    if (await exists(join(dir, 'routines.sql')))
      await load(target, opts, { file: join(dir, 'routines.sql') }, 'routines');
    for (const f of schemaFiles)
      await load(target, opts, { file: join(dir, 'schema', f) }, `table ${decodeURIComponent(f)}`);
    if (await exists(join(dir, 'views.sql')))
      await load(target, opts, { file: join(dir, 'views.sql') }, 'views');
    let done = 0;
    await mapLimit(dataFiles, Math.max(1, opts.jobs ?? 2), async (f) => {
      const name = decodeURIComponent(f.replace(/\.sql$/, ''));
      await load(target, opts, { file: join(dir, 'data', f) }, `rows of ${name}`);
      progress.update({
        phase: 'mariadb: restoring tables',
        bytesDone: 0,
        filesDone: ++done,
        filesTotal: total,
        current: name,
        rate: 0,
      });
    });
    if (await exists(join(dir, 'triggers.sql')))
      await load(target, opts, { file: join(dir, 'triggers.sql') }, 'triggers');
    throwIfAborted(opts.signal);
    created = false;
    return { database: target.database, tablesRestored: total, warnings: [] };
  } catch (e) {
    if (created) await admin.query(`DROP DATABASE IF EXISTS ${quoteName(target.database)}`).catch(() => {});
    throwIfAborted(opts.signal);
    throw e instanceof AppError ? e : mapMariaError(e, target);
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Trigger blocks of triggers.sql whose ON clause names one of `tables`. */
async function dumpedTriggers(dir: string, tables: Set<string>): Promise<string[]> {
  const text = await readFile(join(dir, 'triggers.sql'), 'utf8').catch(() => '');
  const out: string[] = [];
  for (const m of text.matchAll(/DELIMITER ;;\n([\s\S]*?);;\nDELIMITER ;/g)) {
    const body = m[1] ?? '';
    const on = /TRIGGER\s+\S+\s+(?:BEFORE|AFTER)\s+\w+(?:\s+OR\s+\w+)*\s+ON\s+`?([^`\s]+)`?/i.exec(body);
    if (on?.[1] && tables.has(on[1])) out.push(body.trim());
  }
  return out;
}

async function tableTriggers(c: mysql.Connection, db: string, tables: string[]) {
  const [rows] = await c.query(
    'SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE IN (?)',
    [db, tables],
  );
  const out: { name: string; sql: string }[] = [];
  for (const r of rows as { n: string }[]) {
    const [s] = await c.query(`SHOW CREATE TRIGGER ${quoteName(r.n)}`);
    out.push({
      name: r.n,
      sql: String((s as Record<string, unknown>[])[0]?.['SQL Original Statement'] ?? ''),
    });
  }
  return out;
}

async function restoreTables(
  dir: string,
  facts: DbFacts,
  target: DbProfile,
  opts: MariaRestoreOptions,
): Promise<MariaRestoreResult> {
  const requested = opts.tables ?? [];
  const inDump = new Set(facts.tables.map((t) => t.name));
  const unknown = requested.filter((t) => !inDump.has(t));
  if (unknown.length) throw new AppError('NOT_FOUND', `Not in the dump: ${unknown.join(', ')}.`);
  const c = await connectMaria(target, opts);
  try {
    const [r] = await c.query(
      `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)`,
      [target.database, requested],
    );
    const present = new Set((r as { t: string }[]).map((x) => x.t));
    const missing = requested.filter((t) => !present.has(t));
    if (opts.dataOnly && missing.length) {
      throw new AppError(
        'NOT_FOUND',
        `Table(s) ${missing.join(', ')} do not exist in the target ${describeProfile(target)}.`,
      );
    }
    if (present.size && opts.mode !== 'replace') {
      throw new AppError(
        'CONFLICT',
        `Table(s) ${[...present].join(', ')} already exist in the target ${describeProfile(target)}.`,
        {
          hint: 'Choose "replace" to replace their rows, or restore into another database.',
        },
      );
    }
    for (const t of missing) {
      await load(target, opts, { file: join(dir, 'schema', tableFileName(t)) }, `table ${t}`);
      await load(target, opts, { file: join(dir, 'data', tableFileName(t)) }, `rows of ${t}`);
      for (const trg of await dumpedTriggers(dir, new Set([t]))) await c.query(trg);
    }
    if (present.size) {
      const tables = [...present];
      const saved = await tableTriggers(c, target.database, tables);
      for (const t of saved) await c.query(`DROP TRIGGER ${quoteName(t.name)}`);
      try {
        const parts = ['SET FOREIGN_KEY_CHECKS = 0;', 'START TRANSACTION;'];
        for (const t of tables) parts.push(`DELETE FROM ${quoteName(t)};`);
        for (const t of tables) parts.push(await readFile(join(dir, 'data', tableFileName(t)), 'utf8'));
        parts.push('COMMIT;');
        await load(target, opts, parts.join('\n'), `rows of ${tables.join(', ')}`);
      } finally {
        for (const t of saved) await c.query(t.sql);
      }
    }
    return { database: target.database, tablesRestored: requested.length, warnings: [] };
  } catch (e) {
    throwIfAborted(opts.signal);
    throw e instanceof AppError ? e : mapMariaError(e, target);
  } finally {
    await c.end().catch(() => {});
  }
}
