/** Scratch PostgreSQL databases on the build machine's server (127.0.0.1:5432, user postgres, trust). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const conn = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
};

async function admin<T>(fn: (c: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const c = new pg.Client({ ...conn, database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface ScratchDb {
  name: string;
  staging: string;
  count(table: string, database?: string): Promise<number>;
  drop(table: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A production-like database with a few tables and rows, and an empty staging database. */
export async function scratchDb(): Promise<ScratchDb> {
  const name = `mvono_e2e_${randomBytes(4).toString('hex')}`;
  const staging = `${name}_staging`;
  await admin(async (c) => {
    await c.query(`CREATE DATABASE ${name}`);
    await c.query(`CREATE DATABASE ${staging}`);
  });
  await admin(async (c) => {
    await c.query('CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL, email text)');
    await c.query(
      'CREATE TABLE invoice (id serial PRIMARY KEY, customer_id int REFERENCES customer(id), amount numeric(12,2))',
    );
    await c.query(
      "INSERT INTO customer (name, email) SELECT 'Customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 200) g",
    );
    await c.query(
      'INSERT INTO invoice (customer_id, amount) SELECT 1 + (g % 200), g * 1.5 FROM generate_series(1, 1000) g',
    );
  }, name);
  return {
    name,
    staging,
    count: (table, database = name) =>
      admin(
        async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? -1),
        database,
      ),
    drop: (table) => admin(async (c) => void (await c.query(`DROP TABLE ${table} CASCADE`)), name),
    cleanup: () =>
      admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP DATABASE IF EXISTS ${staging} WITH (FORCE)`);
      }),
  };
}
