/**
 * PostgreSQL facts: table list with primary keys, row counts, deterministic row samples hashed on
 * the server, sequences, size. `collectPgFacts` runs on a client whose transaction already holds the
 * dump's snapshot (see dump.ts), so facts and dump describe the same instant; `validate.ts` runs the
 * very same queries on a restored database.
 */
import type pg from 'pg';
import { SAMPLE_SIZE, type TableFacts, WHOLE_HASH_MAX_ROWS } from '../facts.js';
import { quoteIdent, quoteQualified } from './connect.js';

export interface PgTable {
  schema: string;
  name: string;
  primaryKey: string[];
}

export async function listPgTables(c: pg.Client): Promise<PgTable[]> {
  const r = await c.query<{ schema: string; name: string; pk: string[] | null }>(`
    SELECT n.nspname::text AS schema, c.relname::text AS name,
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
  return r.rows.map((x) => ({ schema: x.schema, name: x.name, primaryKey: x.pk ?? [] }));
}

/** Facts for one table, computed identically on the source and on a restored copy. */
export async function pgTableFacts(c: pg.Client, t: PgTable): Promise<TableFacts> {
  const rel = quoteQualified(t.schema, t.name);
  const cnt = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${rel}`);
  const rows = Number(cnt.rows[0]?.n ?? 0);
  const facts: TableFacts = { name: `${t.schema}.${t.name}`, rows };
  const rowHash = `encode(sha256(convert_to(t::text, 'UTF8')), 'hex')`;
  if (t.primaryKey.length > 0) {
    facts.primaryKey = t.primaryKey;
    const key = `(ROW(${t.primaryKey.map((k) => `t.${quoteIdent(k)}`).join(', ')}))::text`;
    const r = await c.query<{ k: string; h: string }>(
      `SELECT ${key} AS k, ${rowHash} AS h FROM ${rel} AS t ORDER BY md5(${key}), ${key} COLLATE "C" LIMIT ${SAMPLE_SIZE}`,
    );
    facts.samples = Object.fromEntries(r.rows.map((x) => [x.k, x.h]));
  } else if (rows < WHOLE_HASH_MAX_ROWS) {
    const r = await c.query<{ h: string }>(
      `SELECT encode(sha256(convert_to(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), ''), 'UTF8')), 'hex') AS h FROM ${rel} AS t`,
    );
    facts.wholeHash = r.rows[0]?.h ?? '';
  }
  return facts;
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
