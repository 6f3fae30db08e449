/** Recovery test records and when each kind is next due. */
import type { RestoreTestKind, RestoreTestRecord } from '../../shared/contract/restoreTests.js';
import { AppError } from '../platform/errors.js';
import type { CatalogDb } from './db.js';

/** Procedures: database-only weekly, partial monthly, full quarterly. */
export const RESTORE_TEST_CADENCE_DAYS: Record<RestoreTestKind, number> = {
  database: 7,
  partial: 30,
  full: 91,
};

interface Row {
  id: string;
  kind: RestoreTestKind;
  target_id: string;
  snapshot_id: string;
  job_id: string | null;
  started_at: string;
  finished_at: string;
  outcome: RestoreTestRecord['outcome'];
  checks: string;
  notes: string;
  issues: string;
  recorded_by: string;
}

function toRecord(r: Row): RestoreTestRecord {
  return {
    id: r.id,
    kind: r.kind,
    targetId: r.target_id,
    snapshotId: r.snapshot_id,
    ...(r.job_id ? { jobId: r.job_id } : {}),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    checks: JSON.parse(r.checks),
    notes: r.notes,
    issues: r.issues,
    recordedBy: r.recorded_by,
  };
}

export class RestoreTestStore {
  constructor(private readonly db: CatalogDb) {}
  list(kind: RestoreTestKind | undefined, limit: number): RestoreTestRecord[] {
    const rows = (
      kind
        ? this.db
            .prepare('SELECT * FROM restore_tests WHERE kind = ? ORDER BY finished_at DESC LIMIT ?')
            .all(kind, limit)
        : this.db.prepare('SELECT * FROM restore_tests ORDER BY finished_at DESC LIMIT ?').all(limit)
    ) as Row[];
    return rows.map(toRecord);
  }
  get(id: string): RestoreTestRecord {
    const r = this.db.prepare('SELECT * FROM restore_tests WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new AppError('NOT_FOUND', `No restore test record with id "${id}".`);
    return toRecord(r);
  }
  insert(t: RestoreTestRecord): RestoreTestRecord {
    if (new Date(t.finishedAt) < new Date(t.startedAt)) {
      throw new AppError('INVALID_INPUT', 'finishedAt: must not be before startedAt');
    }
    this.db
      .prepare(
        `INSERT INTO restore_tests (id, kind, target_id, snapshot_id, job_id, started_at, finished_at, outcome,
           checks, notes, issues, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        t.id,
        t.kind,
        t.targetId,
        t.snapshotId,
        t.jobId ?? null,
        t.startedAt,
        t.finishedAt,
        t.outcome,
        JSON.stringify(t.checks),
        t.notes,
        t.issues,
        t.recordedBy,
      );
    return this.get(t.id);
  }
  /** Last test of a kind that passed (with or without issues). */
  lastOf(kind: RestoreTestKind): RestoreTestRecord | undefined {
    const r = this.db
      .prepare('SELECT * FROM restore_tests WHERE kind = ? ORDER BY finished_at DESC LIMIT 1')
      .get(kind) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }
}
