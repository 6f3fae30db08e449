/** Compares a MariaDB database with the facts taken at dump time (rows, samples, schema). */
import { buildReport, compareTable, type DbFacts, type TableCheck, type ValidationReport } from '../facts.js';
import type { DbAuth, DbProfile } from '../profile.js';
import { schemaFingerprint } from '../schema-history/normalise.js';
import { withMaria } from './connect.js';
import { listMariaTables, mariaSchemaText, mariaTableFacts } from './facts.js';

export interface MariaValidateOptions extends DbAuth {
  tables?: string[];
}

export async function validateMariadb(
  facts: DbFacts,
  target: DbProfile,
  opts: MariaValidateOptions = {},
): Promise<ValidationReport> {
  const only = opts.tables?.length ? new Set(opts.tables) : undefined;
  return withMaria(target, opts, async (c) => {
    await c.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await c.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const present = new Map((await listMariaTables(c, target.database)).map((t) => [t.name, t]));
    const checks: TableCheck[] = [];
    for (const exp of facts.tables.filter((t) => !only || only.has(t.name))) {
      const t = present.get(exp.name);
      checks.push(compareTable(exp, t ? await mariaTableFacts(c, t, exp) : undefined));
    }
    const schemaMatch = only
      ? null
      : schemaFingerprint(await mariaSchemaText(c, target.database)) === facts.schemaFingerprint;
    await c.query('COMMIT');
    return buildReport(checks, schemaMatch);
  });
}
