/**
 * Reads a restore job's validation report from its result record. The contract carries only
 * primitive result fields, so the host is expected to flatten the report, either as a JSON string
 * under `validation` ({tables:[{name,status,expectedRows,actualRows}], schemaMatch}) or as keys
 * `table:<schema.table>` = "match" | "mismatch" | "missing". (Contract gap: no typed report.)
 */
import type { Job } from '../../../shared/contract/index.js';

export type CheckStatus = 'match' | 'mismatch' | 'missing';
export interface ValidationRow {
  name: string;
  status: CheckStatus;
  expectedRows?: number | null;
  actualRows?: number | null;
}
export interface Validation {
  rows: ValidationRow[];
  /** Counts when the host reports a summary only (validation: "all-match" | "mismatch"). */
  checked?: number;
  matching?: number;
  schemaMatch?: boolean | null;
  ok?: boolean;
}

const STATUSES = new Set(['match', 'mismatch', 'missing']);

export function readValidation(job: Job | undefined): Validation | undefined {
  const r = job?.result;
  if (!r) return undefined;
  if (r.validation === 'all-match' || r.validation === 'mismatch') {
    return {
      rows: [],
      ok: r.validation === 'all-match',
      ...(typeof r.tablesChecked === 'number' ? { checked: r.tablesChecked } : {}),
      ...(typeof r.tablesMatching === 'number' ? { matching: r.tablesMatching } : {}),
    };
  }
  if (typeof r.validation === 'string' && r.validation.startsWith('{')) {
    try {
      const v = JSON.parse(r.validation) as {
        tables?: ValidationRow[];
        schemaMatch?: boolean | null;
        ok?: boolean;
      };
      return {
        rows: (v.tables ?? []).filter((t) => STATUSES.has(t.status)),
        schemaMatch: v.schemaMatch,
        ok: v.ok,
      };
    } catch {
      // fall through to flattened keys
    }
  }
  const rows: ValidationRow[] = [];
  for (const [k, v] of Object.entries(r)) {
    const m = /^(?:table|validation\.table)[:.](.+?)(?:\.status)?$/.exec(k);
    if (m?.[1] && typeof v === 'string' && STATUSES.has(v)) {
      const exp = r[`rows:${m[1]}`];
      rows.push({
        name: m[1],
        status: v as CheckStatus,
        ...(typeof exp === 'number' ? { expectedRows: exp } : {}),
      });
    }
  }
  if (rows.length === 0 && typeof r.validationOk !== 'boolean') return undefined;
  return {
    rows,
    ...(typeof r.schemaMatch === 'boolean' ? { schemaMatch: r.schemaMatch } : {}),
    ...(typeof r.validationOk === 'boolean' ? { ok: r.validationOk } : {}),
  };
}
