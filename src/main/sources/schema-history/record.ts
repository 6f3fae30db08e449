/**
 * Records a database's current schema in the schema history: reads the normalised schema-only
 * dump (pg_dump --schema-only / SHOW CREATE) and commits it when it changed.
 */
import { withMaria } from '../mariadb/connect.js';
import { mariaSchemaText } from '../mariadb/facts.js';
import { pgSchemaText } from '../postgres/schema.js';
import type { PgToolsOptions } from '../postgres/tools.js';
import type { DbAuth, DbProfile } from '../profile.js';
import { commitSchemaIfChanged, type SchemaCommitResult, type SchemaHistoryConfig } from './git.js';

export async function readSchemaText(
  p: DbProfile,
  opts: DbAuth & { tools?: PgToolsOptions; signal?: AbortSignal } = {},
) {
  return p.kind === 'postgres'
    ? pgSchemaText(p, opts)
    : withMaria(p, opts, (c) => mariaSchemaText(c, p.database));
}

export async function recordSchema(
  p: DbProfile,
  cfg: SchemaHistoryConfig,
  opts: DbAuth & { tools?: PgToolsOptions; signal?: AbortSignal } = {},
): Promise<SchemaCommitResult> {
  const schema = await readSchemaText(p, opts);
  return commitSchemaIfChanged(
    cfg,
    { kind: p.kind, database: p.database, server: `${p.host}:${p.port}` },
    schema,
  );
}
