/**
 * MariaDB facts and schema text. `collectMariaFacts` runs inside START TRANSACTION WITH CONSISTENT
 * SNAPSHOT, started just before mariadb-dump's own --single-transaction snapshot (best effort: the
 * two are separate transactions, so writes between them can make facts differ from the dump).
 * Row text = CONCAT_WS(',', QUOTE(col)...) — exact for decimals, dates and binary data; hashed with
 * SHA2 on the server. The schema text is built from SHOW CREATE statements, sorted by name.
 */
import type mysql from 'mysql2/promise';
import { SAMPLE_SIZE, sha256, type TableFacts, WHOLE_HASH_MAX_ROWS } from '../facts.js';
import { normaliseMariadbSchema } from '../schema-history/normalise.js';
import { quoteName } from './connect.js';

type Row = Record<string, unknown>;

async function rows(c: mysql.Connection, sql: string, params: unknown[] = []): Promise<Row[]> {
  const [r] = await c.query(sql, params);
  return r as Row[];
}

export interface MariaTable {
  name: string;
  columns: string[];
  primaryKey: string[];
}

export async function listMariaTables(c: mysql.Connection, db: string): Promise<MariaTable[]> {
  const tables = await rows(
    c,
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY BINARY TABLE_NAME`,
    [db],
  );
  const cols = await rows(
    c,
    'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_KEY AS k FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
    [db],
  );
  const pks = await rows(
    c,
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [db],
  );
  return tables.map((x) => {
    const name = String(x.t);
    return {
      name,
      columns: cols.filter((r) => r.t === name).map((r) => String(r.c)),
      primaryKey: pks.filter((r) => r.t === name).map((r) => String(r.c)),
    };
  });
}

/**
 * Facts for one table. With `expected` (validation of a restored copy), the rows sampled at dump
 * time are fetched by their key text instead of being chosen again, so exactly those rows are
 * compared (and a differing one is reported by its key). The text comparison follows the key's
 * collation; a row matching a recorded key only case-insensitively is returned too, and ignored.
 */
export async function mariaTableFacts(
  c: mysql.Connection,
  t: MariaTable,
  expected?: TableFacts,
): Promise<TableFacts> {
  const rel = quoteName(t.name);
  const rowText = `CONCAT_WS(',', ${t.columns.map((col) => `QUOTE(${quoteName(col)})`).join(', ')})`;
  const cnt = await rows(c, `SELECT COUNT(*) AS n FROM ${rel}`);
  const facts: TableFacts = { name: t.name, rows: Number(cnt[0]?.n ?? 0) };
  if (t.primaryKey.length > 0) {
    facts.primaryKey = t.primaryKey;
    const key = `CONCAT_WS(',', ${t.primaryKey.map((k) => `QUOTE(${quoteName(k)})`).join(', ')})`;
    const keys = Object.keys(expected?.samples ?? {});
    const r = expected?.samples
      ? keys.length === 0
        ? []
        : await rows(
            c,
            `SELECT ${key} AS k, SHA2(${rowText}, 256) AS h FROM ${rel} WHERE ${key} IN (${keys.map(() => '?').join(', ')})`,
            keys,
          )
      : await rows(
          c,
          `SELECT ${key} AS k, SHA2(${rowText}, 256) AS h FROM ${rel} ORDER BY MD5(${key}), CAST(${key} AS BINARY) LIMIT ${SAMPLE_SIZE}`,
        );
    facts.samples = Object.fromEntries(r.map((x) => [String(x.k), String(x.h)]));
  } else if (facts.rows < WHOLE_HASH_MAX_ROWS) {
    const r = await rows(c, `SELECT ${rowText} AS r FROM ${rel} ORDER BY CAST(${rowText} AS BINARY)`);
    facts.wholeHash = sha256(r.map((x) => String(x.r)).join('\n'));
  }
  return facts;
}

export async function mariaServerInfo(c: mysql.Connection, db: string) {
  const v = await rows(c, 'SELECT VERSION() AS v');
  const s = await rows(
    c,
    `SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS s FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
    [db],
  );
  const cs = await rows(
    c,
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [db],
  );
  return {
    version: String(v[0]?.v ?? ''),
    size: Number(s[0]?.s ?? 0),
    charset: String(cs[0]?.cs ?? 'utf8mb4'),
    collation: String(cs[0]?.co ?? 'utf8mb4_general_ci'),
  };
}

/** Normalised schema text: tables, views, routines, triggers and events from SHOW CREATE. */
export async function mariaSchemaText(c: mysql.Connection, db: string): Promise<string> {
  const q = quoteName(db);
  const out: string[] = [];
  const objs = await rows(
    c,
    `SELECT TABLE_NAME AS n, TABLE_TYPE AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY BINARY TABLE_NAME`,
    [db],
  );
  for (const o of objs) {
    const view = o.t === 'VIEW';
    const r = await rows(c, `SHOW CREATE ${view ? 'VIEW' : 'TABLE'} ${q}.${quoteName(String(o.n))}`);
    out.push(`${String(r[0]?.[view ? 'Create View' : 'Create Table'] ?? '')};`);
  }
  const routines = await rows(
    c,
    'SELECT ROUTINE_NAME AS n, ROUTINE_TYPE AS t FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, BINARY ROUTINE_NAME',
    [db],
  );
  for (const o of routines) {
    const r = await rows(
      c,
      `SHOW CREATE ${o.t === 'PROCEDURE' ? 'PROCEDURE' : 'FUNCTION'} ${q}.${quoteName(String(o.n))}`,
    );
    out.push(`${String(r[0]?.[o.t === 'PROCEDURE' ? 'Create Procedure' : 'Create Function'] ?? '')};`);
  }
  const triggers = await rows(
    c,
    'SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY BINARY TRIGGER_NAME',
    [db],
  );
  for (const o of triggers) {
    const r = await rows(c, `SHOW CREATE TRIGGER ${q}.${quoteName(String(o.n))}`);
    out.push(`${String(r[0]?.['SQL Original Statement'] ?? '')};`);
  }
  const events = await rows(
    c,
    'SELECT EVENT_NAME AS n FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY BINARY EVENT_NAME',
    [db],
  );
  for (const o of events) {
    const r = await rows(c, `SHOW CREATE EVENT ${q}.${quoteName(String(o.n))}`);
    out.push(`${String(r[0]?.['Create Event'] ?? '')};`);
  }
  return normaliseMariadbSchema(out.join('\n\n'));
}
