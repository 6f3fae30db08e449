/**
 * Checks before a PostgreSQL dump: the client tools exist and are new enough for the server, the
 * database is reachable with these credentials, every table is readable, and the temp directory has
 * room for an uncompressed dump (estimated from the database size). A dump runs the same checks on
 * the connection that then holds its snapshot (`connectChecked`).
 */
import type pg from 'pg';
import { AppError } from '../../platform/errors.js';
import { runProcess } from '../../platform/process.js';
import { requireSpace, toolError } from '../common.js';
import { type DbAuth, type DbProfile, describeProfile } from '../profile.js';
import { connectPg } from './connect.js';
import { pgServerInfo } from './facts.js';
import { type PgToolsOptions, pgTool } from './tools.js';

export interface PgPreflightOptions extends DbAuth {
  tools?: PgToolsOptions;
  signal?: AbortSignal;
  /** Check free space in this directory (skipped when undefined or `checkSpace` is false). */
  tempDir?: string;
  checkSpace?: boolean;
}

export interface PgPreflightResult {
  serverVersion: string;
  serverMajor: number;
  toolVersion: string;
  toolMajor: number;
  sizeBytes: number;
  warnings: string[];
}

/** "pg_dump (PostgreSQL) 15.20 (Debian ...)" -> { version: '15.20', major: 15 }. */
export async function pgToolVersion(
  tool: 'pg_dump' | 'pg_restore' | 'pg_dumpall' | 'psql',
  tools?: PgToolsOptions,
  signal?: AbortSignal,
): Promise<{ version: string; major: number }> {
  let out: string;
  try {
    out = (await runProcess(pgTool(tool, tools), ['--version'], signal ? { signal } : {})).stdout;
  } catch (e) {
    throw toolError(e, `checking the ${tool} version`);
  }
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(out) ?? /(\d+)\.(\d+)/.exec(out);
  if (!m?.[1])
    throw new AppError(
      'SOURCE_FAILED',
      `Could not read the version of ${tool} ("${out.trim().slice(0, 80)}").`,
    );
  const major = Number(m[1]);
  return { version: m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`, major };
}

export function requireToolNewEnough(
  tool: string,
  toolVersion: string,
  toolMajor: number,
  serverVersion: string,
  serverMajor: number,
) {
  if (toolMajor < serverMajor) {
    throw new AppError(
      'SOURCE_FAILED',
      `${tool} ${toolVersion} is older than the PostgreSQL server (${serverVersion}); ${tool} must be version ${serverMajor} or newer.`,
      {
        hint: `Install the PostgreSQL ${serverMajor} client tools (or newer) or set the tools directory in the source settings.`,
      },
    );
  }
}

export async function preflightPostgres(
  p: DbProfile,
  opts: PgPreflightOptions = {},
): Promise<PgPreflightResult> {
  const { client, pre } = await connectChecked(p, opts);
  await client.end().catch(() => {});
  return pre;
}

/**
 * The preflight, leaving its connection open for the caller (a dump keeps it to hold the snapshot,
 * so a dump costs one connection and starts one round of process spawning sooner). The
 * `pg_dump --version` check runs while the connection opens and the checks query the server; its
 * verdict is reported first (a missing or old pg_dump before any server-side problem).
 */
export async function connectChecked(
  p: DbProfile,
  opts: PgPreflightOptions = {},
): Promise<{ client: pg.Client; pre: PgPreflightResult }> {
  const connecting = connectPg(p, opts);
  connecting.catch(() => {}); // awaited below
  const version = pgToolVersion('pg_dump', opts.tools, opts.signal);
  version.catch(() => {}); // awaited below, whichever way the connection goes
  let client: pg.Client;
  try {
    client = await connecting;
  } catch (e) {
    await version;
    throw e;
  }
  try {
    return { client, pre: await checksOn(client, p, version, opts) };
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
}

async function checksOn(
  c: pg.Client,
  p: DbProfile,
  version: Promise<{ version: string; major: number }>,
  opts: PgPreflightOptions,
): Promise<PgPreflightResult> {
  const queries = (async () => {
    const info = await pgServerInfo(c);
    return { info, denied: await unreadableTables(c) };
  })();
  queries.catch(() => {}); // awaited after the tool's verdict
  const tool = await version;
  const { info, denied } = await queries;
  const serverMajor = Math.floor(info.versionNum / 10000);
  requireToolNewEnough('pg_dump', tool.version, tool.major, info.version, serverMajor);
  if (denied.length > 0) {
    throw new AppError(
      'PERMISSION_DENIED',
      `User "${p.user}" cannot read ${denied.length} table(s) of ${describeProfile(p)}: ${denied.slice(0, 5).join(', ')}${denied.length > 5 ? ', ...' : ''}.`,
      { hint: 'Grant SELECT on them, or the pg_read_all_data role, to the backup user.' },
    );
  }
  if (opts.tempDir && opts.checkSpace !== false) {
    await requireSpace(
      opts.tempDir,
      Math.ceil(info.size * 1.1) + 16 * 1024 * 1024,
      `a dump of ${describeProfile(p)}`,
    );
  }
  return {
    serverVersion: info.version,
    serverMajor,
    toolVersion: tool.version,
    toolMajor: tool.major,
    sizeBytes: info.size,
    warnings: [],
  };
}

async function unreadableTables(c: pg.Client): Promise<string[]> {
  const r = await c.query<{ t: string }>(`
    SELECT n.nspname || '.' || c.relname AS t
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
       AND NOT has_table_privilege(c.oid, 'SELECT')
     ORDER BY 1`);
  return r.rows.map((x) => x.t);
}
