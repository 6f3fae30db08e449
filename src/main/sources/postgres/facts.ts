/**
 * PostgreSQL facts: table list with primary keys, row counts, sampled row hashes, sequences, size.
 * At dump time they run on a client whose transaction already holds the dump's snapshot (see
 * dump.ts), so facts and dump describe the same instant; `validate.ts` checks a restored copy.
 *
 * Row samples (tables with a primary key): up to SAMPLE_SIZE rows, picked from a block sample of
 * the table (`TABLESAMPLE SYSTEM (p) REPEATABLE (0)`, p sized for ~SAMPLE_POOL rows, so a 3M-row
 * table reads a few dozen pages instead of being sorted whole) and ordered by md5 of the key; small
 * tables are sampled whole. The restored copy is NOT sampled again: validation looks the recorded
 * keys up through the primary key (`lookupSamples`), which is cheap and independent of the
 * physical row order, so the same rows are compared on both sides. Facts of older snapshots
 * (samples chosen by `ORDER BY md5(key)` over the whole table) validate the same way.
 *
 * Row counts: a streamed dump counts each table's rows in its COPY data while storing it (one
 * newline per row), so the facts do not scan the table a second time with count(*) (on the
 * benchmark's 3M-row table that scan cost the server ~0.6 core-s, beside the dump's own COPY).
 * Such facts are taken with `rows: 'from-dump'`; the block sample is then sized from the planner's
 * estimate, and `count(*)` remains for what the dump cannot say early enough: a table never
 * analysed (no estimate) and a table without a key that may be small enough for a whole-table hash.
 */
import type pg from 'pg';
import { SAMPLE_SIZE, type TableFacts, WHOLE_HASH_MAX_ROWS } from '../facts.js';
import { quoteIdent, quoteQualified } from './connect.js';

export interface PgTable {
  schema: string;
  name: string;
  primaryKey: string[];
  /** The planner's row estimate (pg_class.reltuples); -1 when the table was never analysed. */
  estimatedRows?: number;
}

/** TableFacts.rows of facts taken with `rows: 'from-dump'`, until the caller fills in the dump's count. */
export const ROWS_FROM_DUMP = -1;

/** Rows wanted in the block sample the SAMPLE_SIZE rows are picked from. */
const SAMPLE_POOL = 2000;

export async function listPgTables(c: pg.Client): Promise<PgTable[]> {
  const r = await c.query<{ schema: string; name: string; pk: string[] | null; est: number }>(`
    SELECT n.nspname::text AS schema, c.relname::text AS name, c.reltuples::float8 AS est,
      (SELECT array_agg(a.attname::text ORDER BY k.ord)
         FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = c.oid AND i.indisprimary) AS pk
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r'
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                        AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY 1, 2`);
  return r.rows.map((x) => ({
    schema: x.schema,
    name: x.name,
    primaryKey: x.pk ?? [],
    estimatedRows: Math.round(x.est),
  }));
}

const ROW_HASH = `encode(sha256(convert_to(t::text, 'UTF8')), 'hex')`;
const keyText = (t: PgTable) => `(ROW(${t.primaryKey.map((k) => `t.${quoteIdent(k)}`).join(', ')}))::text`;

export async function countRows(c: pg.Client, t: PgTable): Promise<number> {
  const rel = quoteQualified(t.schema, t.name);
  return Number((await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${rel}`)).rows[0]?.n ?? 0);
}

/**
 * Facts for one table. With `expected` (validation of a restored copy), the rows sampled at dump
 * time are looked up by key instead of sampling again.
 */
export async function pgTableFacts(
  c: pg.Client,
  t: PgTable,
  expected?: TableFacts,
  /**
   * The row count when it is known already (validation: the rows the restore's COPYs loaded), or
   * 'from-dump': the caller counts the rows in the dump and replaces `rows` when it is
   * ROWS_FROM_DUMP (it is an exact count where one had to be taken here anyway).
   */
  knownRows?: number | 'from-dump',
): Promise<TableFacts> {
  const rel = quoteQualified(t.schema, t.name);
  const estimate = t.estimatedRows ?? -1;
  const keyed = t.primaryKey.length > 0;
  // From the dump: a keyed table whose sample can be sized from an estimate, or a table without a
  // key too large for a whole-table hash by a wide margin (statistics can be stale).
  const fromDump =
    knownRows === 'from-dump' && estimate >= 0 && (keyed || estimate >= 2 * WHOLE_HASH_MAX_ROWS);
  const rows = typeof knownRows === 'number' ? knownRows : fromDump ? ROWS_FROM_DUMP : await countRows(c, t);
  const facts: TableFacts = { name: `${t.schema}.${t.name}`, rows };
  if (keyed) {
    facts.primaryKey = t.primaryKey;
    facts.samples = expected?.samples
      ? await lookupSamples(c, t, Object.keys(expected.samples))
      : await sampleRows(c, t, fromDump ? estimate : rows);
  } else if (!fromDump && rows < WHOLE_HASH_MAX_ROWS) {
    const r = await c.query<{ h: string }>(
      `SELECT encode(sha256(convert_to(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), ''), 'UTF8')), 'hex') AS h FROM ${rel} AS t`,
    );
    facts.wholeHash = r.rows[0]?.h ?? '';
  }
  return facts;
}

/** Up to SAMPLE_SIZE rows (key text -> row hash) from a block sample of the table. */
async function sampleRows(c: pg.Client, t: PgTable, rows: number): Promise<Record<string, string>> {
  const rel = quoteQualified(t.schema, t.name);
  const key = keyText(t);
  const want = Math.min(SAMPLE_SIZE, rows);
  let pct = rows <= SAMPLE_POOL ? 100 : Math.max(1e-4, (100 * SAMPLE_POOL) / rows);
  for (;;) {
    const sample = pct >= 100 ? '' : ` TABLESAMPLE SYSTEM (${pct.toFixed(6)}) REPEATABLE (0)`;
    const r = await c.query<{ k: string; h: string }>(
      `SELECT ${key} AS k, ${ROW_HASH} AS h FROM ${rel} AS t${sample} ORDER BY md5(${key}), ${key} COLLATE "C" LIMIT ${SAMPLE_SIZE}`,
    );
    // A block sample can come up short (few, large pages): widen it until enough rows are found.
    if (r.rows.length >= want || pct >= 100) return Object.fromEntries(r.rows.map((x) => [x.k, x.h]));
    pct = Math.min(100, pct * 10);
  }
}

/** The rows with these keys (key text as recorded at dump time) -> row hash, looked up by primary key. */
export async function lookupSamples(
  c: pg.Client,
  t: PgTable,
  keys: string[],
): Promise<Record<string, string>> {
  if (keys.length === 0) return {};
  const rel = quoteQualified(t.schema, t.name);
  const key = keyText(t);
  const parsed = keys.map(parseRowText);
  const types = await c.query<{ n: string; ty: string }>(
    `SELECT a.attname::text AS n, format_type(a.atttypid, a.atttypmod) AS ty
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [rel],
  );
  const typeOf = new Map(types.rows.map((x) => [x.n, x.ty]));
  const cols = t.primaryKey.map((k) => ({ col: `t.${quoteIdent(k)}`, ty: typeOf.get(k) }));
  let sql: string;
  let params: string[];
  if (parsed.every((p) => p?.length === cols.length) && cols.every((x) => x.ty)) {
    // Typed values through the primary key index: (a, b) IN ((($1)::ta, ($2)::tb), ...).
    params = parsed.flatMap((p) => p ?? []);
    const tuple = (i: number) =>
      `(${cols.map((x, j) => `($${i * cols.length + j + 1})::${x.ty}`).join(', ')})`;
    const lhs = `(${cols.map((x) => x.col).join(', ')})`;
    sql = `SELECT ${key} AS k, ${ROW_HASH} AS h FROM ${rel} AS t WHERE ${lhs} IN (${keys.map((_k, i) => tuple(i)).join(', ')})`;
  } else {
    // Key text that does not parse (should not happen): compare the text, scanning the table.
    params = [];
    sql = `SELECT ${key} AS k, ${ROW_HASH} AS h FROM ${rel} AS t WHERE ${key} = ANY($1::text[])`;
  }
  const r = await c.query<{ k: string; h: string }>(sql, params.length ? params : [keys]);
  return Object.fromEntries(r.rows.map((x) => [x.k, x.h]));
}

/**
 * Splits a composite value's text ("(1,\"a,b\")") into its fields' texts, as record_out writes it:
 * fields separated by commas, quoted when they hold special characters, with "" and \\ doubled
 * inside quotes. Undefined when the text is not such a value or a field is NULL (empty, unquoted).
 */
export function parseRowText(s: string): string[] | undefined {
  if (s.length < 2 || s[0] !== '(' || s[s.length - 1] !== ')') return undefined;
  const body = s.slice(1, -1);
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let v = '';
    let sawQuote = false;
    let quoted = false;
    while (i < body.length) {
      const ch = body[i] as string;
      if (quoted) {
        if (ch === '\\' && i + 1 < body.length) {
          v += body[i + 1];
          i += 2;
        } else if (ch === '"' && body[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (ch === '"') {
          quoted = false;
          i++;
        } else {
          v += ch;
          i++;
        }
      } else if (ch === '"') {
        quoted = sawQuote = true;
        i++;
      } else if (ch === ',') break;
      else {
        v += ch;
        i++;
      }
    }
    if (quoted || (v === '' && !sawQuote)) return undefined; // unbalanced quote, or a NULL field
    out.push(v);
    if (i >= body.length) return out;
    i++; // the comma
  }
}

export async function pgSequences(c: pg.Client): Promise<Record<string, number | null>> {
  const r = await c.query<{ name: string; v: string | null }>(
    `SELECT schemaname || '.' || sequencename AS name, last_value::text AS v FROM pg_sequences ORDER BY 1`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.name, x.v === null ? null : Number(x.v)]));
}

export async function pgServerInfo(
  c: pg.Client,
): Promise<{ version: string; versionNum: number; size: number }> {
  const r = await c.query<{ v: string; n: string; s: string }>(
    `SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n,
            pg_database_size(current_database())::text AS s`,
  );
  const row = r.rows[0];
  return { version: row?.v ?? '', versionNum: Number(row?.n ?? 0), size: Number(row?.s ?? 0) };
}
