/** The normalised schema-only dump of a PostgreSQL database (for fingerprints and schema history). */
import { runProcess } from '../../platform/process.js';
import { toolError } from '../common.js';
import type { DbAuth, DbProfile } from '../profile.js';
import { normalisePostgresSchema } from '../schema-history/normalise.js';
import { pgEnv } from './connect.js';
import { type PgToolsOptions, pgTool } from './tools.js';

export interface PgSchemaOptions extends DbAuth {
  tools?: PgToolsOptions;
  signal?: AbortSignal;
  /** An exported snapshot to read the schema in (pg_dump --snapshot). */
  snapshot?: string;
}

/** Arguments shared by every schema-only dump, so source and restored copies compare equal. */
export const PG_SCHEMA_ARGS = ['--schema-only', '--no-owner', '--no-privileges'];

export async function pgSchemaText(p: DbProfile, opts: PgSchemaOptions = {}): Promise<string> {
  const args = [...PG_SCHEMA_ARGS, '--dbname', p.database];
  if (opts.snapshot) args.push(`--snapshot=${opts.snapshot}`);
  try {
    const r = await runProcess(pgTool('pg_dump', opts.tools), args, {
      env: pgEnv(p, opts),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return normalisePostgresSchema(r.stdout);
  } catch (e) {
    throw toolError(e, `schema dump of PostgreSQL database "${p.database}"`);
  }
}

/** The same normalised text, read from a directory-format archive's toc.dat (pg_restore --schema-only). */
export async function pgArchiveSchemaText(
  dumpDir: string,
  opts: { tools?: PgToolsOptions; signal?: AbortSignal } = {},
): Promise<string> {
  try {
    const r = await runProcess(
      pgTool('pg_restore', opts.tools),
      [...PG_SCHEMA_ARGS, '--file', '-', dumpDir],
      opts.signal ? { signal: opts.signal } : {},
    );
    return normalisePostgresSchema(r.stdout);
  } catch (e) {
    throw toolError(e, `reading the schema of the dump in ${dumpDir}`);
  }
}
