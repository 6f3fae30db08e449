/**
 * Connecting to MariaDB/MySQL (mysql2 client and the command-line tools' arguments/environment),
 * and mapping failures to AppErrors that name the server and database, never the password
 * (the tools get it through MYSQL_PWD only).
 */
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { AppError } from '../../platform/errors.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';

export interface MariaToolsOptions {
  /** Directory holding mariadb-dump and mariadb; default: found on PATH. */
  binDir?: string;
}

export function mariaTool(name: 'mariadb-dump' | 'mariadb', tools?: MariaToolsOptions): string {
  return tools?.binDir ? join(tools.binDir, name) : name;
}

/** Connection arguments for mariadb / mariadb-dump (no password: it goes in MYSQL_PWD). */
export function mariaArgs(p: DbProfile): string[] {
  const args = ['--host', p.host, '--port', String(p.port), '--user', p.user, '--protocol=TCP'];
  if (p.tls === 'require') args.push('--ssl');
  if (p.tls === 'verify-ca' || p.tls === 'verify-full') args.push('--ssl', '--ssl-verify-server-cert');
  if (p.tls === 'disable') args.push('--skip-ssl');
  return args;
}

export function mariaEnv(auth: DbAuth): Record<string, string | undefined> {
  return { MYSQL_PWD: auth.password ?? '', MYSQL_HOST: undefined, MYSQL_TCP_PORT: undefined };
}

export async function connectMaria(
  p: DbProfile,
  auth: DbAuth,
  database: string | null = p.database,
): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({
      host: p.host,
      port: p.port,
      user: p.user,
      password: auth.password ?? '',
      ...(database ? { database } : {}),
      charset: 'utf8mb4',
      connectTimeout: 10_000,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      multipleStatements: true,
      ...(p.tls === 'require' ? { ssl: { rejectUnauthorized: false } } : {}),
      ...(p.tls === 'verify-ca' || p.tls === 'verify-full' ? { ssl: { rejectUnauthorized: true } } : {}),
    });
  } catch (e) {
    throw mapMariaError(e, database ? { ...p, database } : p);
  }
}

export async function withMaria<T>(
  p: DbProfile,
  auth: DbAuth,
  fn: (c: mysql.Connection) => Promise<T>,
  database: string | null = p.database,
): Promise<T> {
  const c = await connectMaria(p, auth, database);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

export function mapMariaError(e: unknown, p: DbProfile): AppError {
  if (e instanceof AppError) return e;
  const err = e as { code?: string; errno?: number } | undefined;
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
        `Cannot reach the MariaDB server at ${p.host}:${p.port} (${err.code}).`,
        {
          hint: 'Check the host name and port, that the server is running, and that a firewall allows the connection.',
          cause: e,
        },
      );
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new AppError(
        'SOURCE_FAILED',
        `MariaDB refused the login of user "${p.user}" for ${where} (wrong user or password).`,
        {
          hint: 'Check the user name and the password stored for this source.',
          cause: e,
        },
      );
    case 'ER_BAD_DB_ERROR':
      return new AppError('NOT_FOUND', `The ${where} does not exist.`, {
        hint: 'Check the database name in the source settings.',
        cause: e,
      });
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
    case 'ER_PROCACCESS_DENIED_ERROR':
      return new AppError('PERMISSION_DENIED', `User "${p.user}" lacks a privilege on ${where}.`, {
        hint: 'Grant SELECT, SHOW VIEW, TRIGGER, EVENT and LOCK TABLES on the database to the backup user.',
        cause: e,
      });
  }
  return new AppError(
    'SOURCE_FAILED',
    `MariaDB operation on ${where} failed (${err?.code ?? 'unknown error'}).`,
    {
      hint: 'See the job log for details.',
      cause: e,
    },
  );
}

export function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
