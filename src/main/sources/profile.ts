/**
 * Connection profiles for database sources. A profile names a server and database; it never holds
 * a password. Passwords come separately (OS keychain via the host, or a URI on the command line)
 * and reach child processes only through the environment (PGPASSWORD / MYSQL_PWD).
 */
import { AppError } from '../platform/errors.js';

export type DbKind = 'postgres' | 'mariadb';
export type TlsMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
export type EnvironmentTag = 'production' | 'staging' | 'test';

export interface DbProfile {
  name: string;
  kind: DbKind;
  host: string;
  port: number;
  database: string;
  user: string;
  tls: TlsMode;
  environment: EnvironmentTag;
}

/** Options every source function takes besides the profile: the secret, kept apart from it. */
export interface DbAuth {
  password?: string;
}

const TLS_MODES: TlsMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];
const DEFAULT_PORT: Record<DbKind, number> = { postgres: 5432, mariadb: 3306 };

/**
 * Parses `postgres://user[:password]@host[:port]/db?sslmode=...` or `mariadb://` / `mysql://`.
 * The password, if present, is returned separately and never kept in the profile.
 */
export function parseProfileUri(
  uri: string,
  opts: { name?: string; environment?: EnvironmentTag } = {},
): { profile: DbProfile; password?: string } {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new AppError('INVALID_INPUT', `Not a database URI: ${redactUri(uri)}`, {
      hint: 'Use postgres://user@host:5432/database or mariadb://user@host:3306/database.',
    });
  }
  const scheme = u.protocol.replace(/:$/, '');
  const kind: DbKind | undefined =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mariadb' || scheme === 'mysql'
        ? 'mariadb'
        : undefined;
  if (!kind) {
    throw new AppError('INVALID_INPUT', `Unsupported database URI scheme "${scheme}".`, {
      hint: 'Supported: postgres://, postgresql://, mariadb://, mysql://.',
    });
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !database || !u.username) {
    throw new AppError(
      'INVALID_INPUT',
      `Database URI ${redactUri(uri)} needs a user, a host and a database.`,
      {
        hint: 'Example: postgres://backup@db.example.com:5432/app',
      },
    );
  }
  const port = u.port ? Number(u.port) : DEFAULT_PORT[kind];
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AppError('INVALID_INPUT', `Invalid port in ${redactUri(uri)}.`);
  }
  const sslParam = u.searchParams.get('sslmode') ?? u.searchParams.get('ssl-mode');
  let tls: TlsMode = 'prefer';
  if (sslParam) {
    const m = sslParam.toLowerCase().replace(/_/g, '-') as TlsMode;
    if (!TLS_MODES.includes(m)) {
      throw new AppError('INVALID_INPUT', `Unknown sslmode "${sslParam}".`, {
        hint: `Use one of ${TLS_MODES.join(', ')}.`,
      });
    }
    tls = m;
  }
  const envParam = u.searchParams.get('environment');
  const environment = (opts.environment ?? envParam ?? 'production') as EnvironmentTag;
  if (!['production', 'staging', 'test'].includes(environment)) {
    throw new AppError('INVALID_INPUT', `Unknown environment tag "${environment}".`, {
      hint: 'Use production, staging or test.',
    });
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const profile: DbProfile = {
    name: opts.name ?? `${kind}-${database}`,
    kind,
    host,
    port,
    database,
    user: decodeURIComponent(u.username),
    tls,
    environment,
  };
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  return password === undefined ? { profile } : { profile, password };
}

/** The profile as a URI without any password. */
export function formatProfileUri(p: DbProfile): string {
  const scheme = p.kind === 'postgres' ? 'postgres' : 'mariadb';
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  const q = p.tls === 'prefer' ? '' : `?sslmode=${p.tls}`;
  return `${scheme}://${encodeURIComponent(p.user)}@${host}:${p.port}/${encodeURIComponent(p.database)}${q}`;
}

/** Replaces the password of every `scheme://user:password@` occurrence in `text` with `***`. */
export function redactUri(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^\s/]*@/gi, '$1:***@');
}

/** A short label for messages: "postgres app@db.example.com:5432" (no secrets). */
export function describeProfile(p: DbProfile): string {
  return `${p.kind === 'postgres' ? 'PostgreSQL' : 'MariaDB'} database "${p.database}" on ${p.host}:${p.port}`;
}

/** A copy of `p` pointing at another database on the same server. */
export function withDatabase(p: DbProfile, database: string): DbProfile {
  return { ...p, database };
}
