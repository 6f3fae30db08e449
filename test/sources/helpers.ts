/** Helpers for the sources integration tests (real PostgreSQL / MariaDB servers). */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../src/main/platform/process.js';
import { withPgDb } from '../support/mgmt-db.js';

export async function tempDir(prefix = 'mvono-src-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

const pgEnv = { PGHOST: '127.0.0.1', PGPORT: '5432', PGUSER: 'postgres' };

/** pg_dump --schema-only text with the per-run \restrict keys removed and the db name replaced. */
export async function rawSchema(db: string): Promise<string> {
  const r = await runProcess('pg_dump', ['--schema-only', '--dbname', db], { env: pgEnv });
  return r.stdout
    .split('\n')
    .filter((l) => !/^\\(restrict|unrestrict) /.test(l))
    .join('\n')
    .replaceAll(db, '<DB>');
}

/** sha256 of `COPY (SELECT * FROM t ORDER BY 1..n) TO STDOUT` for every user table. */
export async function tableHashes(db: string): Promise<Record<string, string>> {
  const tables = await withPgDb(db, async (c) => {
    const r = await c.query<{ t: string; n: number }>(`
      SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS t, count(*)::int AS n
        FROM information_schema.columns
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
         AND (table_schema, table_name) IN (SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')
       GROUP BY 1 ORDER BY 1`);
    return r.rows;
  });
  const out: Record<string, string> = {};
  for (const { t, n } of tables) {
    const order = Array.from({ length: n }, (_, i) => i + 1).join(',');
    const r = await runProcess(
      'psql',
      ['-X', '-q', '--dbname', db, '-c', `COPY (SELECT * FROM ${t} ORDER BY ${order}) TO STDOUT`],
      {
        env: pgEnv,
      },
    );
    out[t] = createHash('sha256').update(r.stdout).digest('hex');
  }
  return out;
}

export async function sequenceValues(db: string): Promise<Record<string, string | null>> {
  return withPgDb(db, async (c) => {
    const r = await c.query<{ n: string; v: string | null }>(
      `SELECT schemaname || '.' || sequencename AS n, last_value::text AS v FROM pg_sequences ORDER BY 1`,
    );
    return Object.fromEntries(r.rows.map((x) => [x.n, x.v]));
  });
}

export async function pgDbExists(db: string): Promise<boolean> {
  return withPgDb(
    'postgres',
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db])).rowCount === 1,
  );
}
