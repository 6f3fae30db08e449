/**
 * Connecting to PostgreSQL (node `pg` client and the client tools' environment) and mapping
 * connection failures to AppErrors whose messages name the server and database, never the password.
 */
import type pg from 'pg';
import { AppError } from '../../platform/errors.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';
import pgModule from './pg-module.js';

/** Environment for libpq tools: connection details and the password, never argv. */
export function pgEnv(p: DbProfile, auth: DbAuth): Record<string, string | undefined> {
  return {
    PGHOST: p.host,
    PGPORT: String(p.port),
    PGUSER: p.user,
    PGDATABASE: p.database,
    PGPASSWORD: auth.password,
    PGSSLMODE: p.tls,
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'mvono-backup',
    PGOPTIONS: undefined,
  };
}

function sslOption(p: DbProfile): pg.ClientConfig['ssl'] {
  switch (p.tls) {
    case 'disable':
    case 'prefer': // node-postgres cannot "prefer"; plain first matches local defaults
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}

export async function connectPg(p: DbProfile, auth: DbAuth, database = p.database): Promise<pg.Client> {
  const client = new pgModule.Client({
    host: p.host,
    port: p.port,
    user: p.user,
    password: auth.password ?? '',
    database,
    ssl: sslOption(p),
    connectionTimeoutMillis: 10_000,
    application_name: 'mvono-backup',
  });
  client.on('error', () => {}); // a dropped connection surfaces on the next query
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw mapPgError(e, { ...p, database });
  }
  return client;
}

/** Runs `fn` with a connected client and always closes it. */
export async function withPg<T>(
  p: DbProfile,
  auth: DbAuth,
  fn: (c: pg.Client) => Promise<T>,
  database?: string,
) {
  const c = await connectPg(p, auth, database);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

export function mapPgError(e: unknown, p: DbProfile): AppError {
  if (e instanceof AppError) return e;
  const err = e as { code?: string; message?: string } | undefined;
  const where = describeProfile(p);
  switch (err?.code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError(
        'TRANSIENT',
        `Cannot reach the PostgreSQL server at ${p.host}:${p.port} (${err.code}).`,
        {
          hint: 'Check the host name and port, that the server is running, and that a firewall allows the connection.',
          cause: e,
        },
      );
    case '28P01':
    case '28000':
      return new AppError('SOURCE_FAILED', `PostgreSQL refused the login of user "${p.user}" for ${where}.`, {
        hint: 'Check the user name and the password stored for this source, and pg_hba.conf on the server.',
        cause: e,
      });
    case '3D000':
      return new AppError('NOT_FOUND', `The ${where} does not exist.`, {
        hint: 'Check the database name in the source settings.',
        cause: e,
      });
    case '42501':
      return new AppError('PERMISSION_DENIED', `User "${p.user}" lacks a privilege on ${where}.`, {
        hint: 'Grant the backup user read access (e.g. the pg_read_all_data role).',
        cause: e,
      });
    case '53100':
      return new AppError('NO_SPACE', `The PostgreSQL server for ${where} ran out of disk space.`, {
        cause: e,
      });
  }
  if (err?.message && /timeout/i.test(err.message)) {
    return new AppError(
      'TRANSIENT',
      `Timed out connecting to the PostgreSQL server at ${p.host}:${p.port}.`,
      {
        hint: 'Check the host, port and network.',
        cause: e,
      },
    );
  }
  return new AppError(
    'SOURCE_FAILED',
    `PostgreSQL operation on ${where} failed (${err?.code ?? 'unknown error'}).`,
    {
      hint: 'See the job log for details.',
      cause: e,
    },
  );
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** "schema.table" -> quoted qualified name. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** Session settings that make row text representations stable across servers and clients. */
export const STABLE_TEXT_SETTINGS = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'postgres'",
  'SET extra_float_digits = 3',
  "SET bytea_output = 'hex'",
  "SET search_path = ''",
];
