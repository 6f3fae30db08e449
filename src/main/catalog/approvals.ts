/** Two-person authorization records for emergency restores to production. */
import type { RestoreApproval } from '../../shared/contract/emergency.js';
import { RestoreRequest } from '../../shared/contract/restore.js';
import { AppError } from '../platform/errors.js';
import type { CatalogDb } from './db.js';

interface Row {
  request_id: string;
  incident_id: string;
  request: string;
  params_hash: string;
  state: RestoreApproval['state'];
  requested_by: string;
  requested_at: string;
  reason: string;
  decided_by: string | null;
  decided_at: string | null;
  comment: string | null;
  expires_at: string | null;
  job_id: string | null;
}

/** The stored request exactly as persisted (used to recompute and check the params hash). */
export interface ApprovalRecord extends RestoreApproval {
  rawRequest: string;
}

function toApproval(r: Row, now: Date): ApprovalRecord {
  const expired = r.state === 'approved' && r.expires_at !== null && new Date(r.expires_at) <= now;
  return {
    requestId: r.request_id,
    incidentId: r.incident_id,
    request: RestoreRequest.parse(JSON.parse(r.request)),
    rawRequest: r.request,
    paramsHash: r.params_hash,
    state: expired ? 'expired' : r.state,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    reason: r.reason,
    ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
    ...(r.decided_at ? { decidedAt: r.decided_at } : {}),
    ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
    ...(r.job_id ? { jobId: r.job_id } : {}),
  };
}

export function publicApproval(a: ApprovalRecord): RestoreApproval {
  const { rawRequest: _raw, ...rest } = a;
  return rest;
}

export class ApprovalStore {
  constructor(private readonly db: CatalogDb) {}
  list(now: Date, filter: { state?: RestoreApproval['state']; incidentId?: string } = {}): ApprovalRecord[] {
    const rows = this.db.prepare('SELECT * FROM approvals ORDER BY requested_at DESC').all() as Row[];
    return rows
      .map((r) => toApproval(r, now))
      .filter(
        (a) =>
          (!filter.state || a.state === filter.state) &&
          (!filter.incidentId || a.incidentId === filter.incidentId),
      );
  }
  get(requestId: string, now: Date): ApprovalRecord {
    const r = this.db.prepare('SELECT * FROM approvals WHERE request_id = ?').get(requestId) as
      | Row
      | undefined;
    if (!r) throw new AppError('NOT_FOUND', `No restore request with id "${requestId}".`);
    return toApproval(r, now);
  }
  insert(a: {
    requestId: string;
    incidentId: string;
    request: string;
    paramsHash: string;
    requestedBy: string;
    requestedAt: string;
    reason: string;
  }): void {
    this.db
      .prepare(
        `INSERT INTO approvals (request_id, incident_id, request, params_hash, state, requested_by, requested_at, reason)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(a.requestId, a.incidentId, a.request, a.paramsHash, a.requestedBy, a.requestedAt, a.reason);
  }
  decide(
    requestId: string,
    d: { state: 'approved' | 'rejected'; by: string; at: string; expiresAt?: string; comment?: string },
  ): boolean {
    return (
      this.db
        .prepare(
          `UPDATE approvals SET state = ?, decided_by = ?, decided_at = ?, expires_at = ?, comment = ?
           WHERE request_id = ? AND state = 'pending'`,
        )
        .run(d.state, d.by, d.at, d.expiresAt ?? null, d.comment ?? null, requestId).changes === 1
    );
  }
  /** Atomically moves approved -> used (single use). False if it was not approved. */
  markUsed(requestId: string): boolean {
    return (
      this.db
        .prepare("UPDATE approvals SET state = 'used' WHERE request_id = ? AND state = 'approved'")
        .run(requestId).changes === 1
    );
  }
  revertUsed(requestId: string): void {
    this.db
      .prepare("UPDATE approvals SET state = 'approved' WHERE request_id = ? AND state = 'used'")
      .run(requestId);
  }
  setJob(requestId: string, jobId: string): void {
    this.db.prepare('UPDATE approvals SET job_id = ? WHERE request_id = ?').run(jobId, requestId);
  }
  cancel(requestId: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE approvals SET state = 'cancelled' WHERE request_id = ? AND state IN ('pending','approved')",
        )
        .run(requestId).changes === 1
    );
  }
}
