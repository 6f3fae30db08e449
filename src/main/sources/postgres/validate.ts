/**
 * Compares a PostgreSQL database with the facts taken at dump time: per table row counts (count(*),
 * or the rows a whole-database restore's COPYs inserted: `loadedRows`), the same
 * deterministic row samples (or whole-table hashes), sequence values, and the schema fingerprint
 * (skipped when only some tables are validated, since the rest of the database may differ).
 */
import { buildReport, compareTable, type DbFacts, type TableCheck, type ValidationReport } from '../facts.js';
import type { DbAuth, DbProfile } from '../profile.js';
import { schemaFingerprint } from '../schema-history/normalise.js';
import { STABLE_TEXT_SETTINGS, withPg } from './connect.js';
import { listPgTables, pgSequences, pgTableFacts } from './facts.js';
import { pgSchemaText } from './schema.js';
import { qualifyTable } from './toc.js';
import type { PgToolsOptions } from './tools.js';

export interface PgValidateOptions extends DbAuth {
  tables?: string[];
  /**
   * Rows per table ("schema.name") that the restore's COPYs inserted, as the server reported them
   * (summed over a table's parts). In a database the restore created, nothing else adds or removes
   * rows (post-data adds indexes, constraints and triggers), so these are its row counts and
   * count(*) is not run again for them; every other table is counted.
   */
  loadedRows?: Record<string, number>;
  tools?: PgToolsOptions;
  signal?: AbortSignal;
}

export interface PgValidationReport extends ValidationReport {
  /** Sequences whose value differs ("schema.name"), null when not checked. */
  sequenceMismatches: string[] | null;
}

export async function validatePostgres(
  facts: DbFacts,
  target: DbProfile,
  opts: PgValidateOptions = {},
): Promise<PgValidationReport> {
  const only = opts.tables?.length ? new Set(opts.tables.map(qualifyTable)) : undefined;
  const expected = facts.tables.filter((t) => !only || only.has(t.name));
  // The schema dump (another process) runs beside the table checks.
  const schemaRun = only ? undefined : pgSchemaText(target, { ...opts });
  schemaRun?.catch(() => {});
  const { checks, seqMismatch } = await withPg(target, opts, async (c) => {
    for (const s of STABLE_TEXT_SETTINGS) await c.query(s);
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const present = new Map((await listPgTables(c)).map((t) => [`${t.schema}.${t.name}`, t]));
    const checks: TableCheck[] = [];
    for (const exp of expected) {
      const t = present.get(exp.name);
      checks.push(
        compareTable(exp, t ? await pgTableFacts(c, t, exp, opts.loadedRows?.[exp.name]) : undefined),
      );
    }
    let seqMismatch: string[] | null = null;
    if (!only && facts.sequences) {
      const actual = await pgSequences(c);
      seqMismatch = Object.entries(facts.sequences)
        .filter(([k, v]) => actual[k] !== v)
        .map(([k]) => k);
    }
    await c.query('COMMIT');
    return { checks, seqMismatch };
  });
  const schemaMatch = schemaRun ? schemaFingerprint(await schemaRun) === facts.schemaFingerprint : null;
  const report = buildReport(checks, schemaMatch);
  return {
    ...report,
    ok: report.ok && (seqMismatch === null || seqMismatch.length === 0),
    sequenceMismatches: seqMismatch,
  };
}
