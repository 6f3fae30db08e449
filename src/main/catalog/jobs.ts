/**
 * Job history, job log lines and plan runs in the local catalog (tables from migration 050).
 * Synchronous (better-sqlite3). Times are ISO-8601 UTC strings from the caller's Clock.
 */
import type { Database } from 'better-sqlite3';
import type { Job, JobKind, JobLogLine, JobProgress, JobState } from '../../shared/contract/jobs.js';
import type { ErrorCode } from '../platform/errors.js';
import type { PlanRunOutcome, PlanRunRecord, RunHistory, RunTrigger } from '../scheduler/types.js';

export type StoredJob = Job & { lane: string };

interface JobRow {
  id: string;
  kind: string;
  title: string;
  state: string;
  plan_id: string | null;
  target_id: string | null;
  lane: string;
  started_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress: string | null;
  result: string | null;
  error: string | null;
  warnings: number;
}

function fromRow(r: JobRow): StoredJob {
  const j: StoredJob = {
    id: r.id,
    kind: r.kind as JobKind,
    title: r.title,
    state: r.state as JobState,
    lane: r.lane,
    startedBy: r.started_by,
    createdAt: r.created_at,
    warnings: r.warnings,
  };
  if (r.plan_id !== null) j.planId = r.plan_id;
  if (r.target_id !== null) j.targetId = r.target_id;
  if (r.started_at !== null) j.startedAt = r.started_at;
  if (r.finished_at !== null) j.finishedAt = r.finished_at;
  if (r.progress !== null) j.progress = JSON.parse(r.progress) as JobProgress;
  if (r.result !== null) j.result = JSON.parse(r.result) as Job['result'];
  if (r.error !== null) j.error = JSON.parse(r.error) as Job['error'];
  return j;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export type JobPatch = Partial<
  Pick<StoredJob, 'state' | 'startedAt' | 'finishedAt' | 'progress' | 'result' | 'error' | 'warnings'>
>;

const COLUMNS: Record<keyof JobPatch, string> = {
  state: 'state',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  progress: 'progress',
  result: 'result',
  error: 'error',
  warnings: 'warnings',
};

export class JobStore {
  constructor(private readonly db: Database) {}

  insert(j: StoredJob): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, state, plan_id, target_id, lane, started_by, created_at, started_at,
           finished_at, progress, result, error, warnings)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        j.id,
        j.kind,
        j.title,
        j.state,
        j.planId ?? null,
        j.targetId ?? null,
        j.lane,
        j.startedBy,
        j.createdAt,
        j.startedAt ?? null,
        j.finishedAt ?? null,
        json(j.progress),
        json(j.result),
        json(j.error),
        j.warnings,
      );
  }

  update(id: string, patch: JobPatch): void {
    const keys = (Object.keys(patch) as (keyof JobPatch)[]).filter((k) => k in COLUMNS);
    if (keys.length === 0) return;
    const values = keys.map((k) => {
      const v = patch[k];
      return k === 'progress' || k === 'result' || k === 'error' ? json(v) : (v ?? null);
    });
    const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
    this.db.prepare(`UPDATE jobs SET ${sets} WHERE id = ?`).run(...values, id);
  }

  get(id: string): StoredJob | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** Newest first. */
  list(f: { state?: JobState; kind?: JobKind; planId?: string; limit?: number } = {}): StoredJob[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, v: string | undefined) => {
      if (v === undefined) return;
      where.push(clause);
      args.push(v);
    };
    add('state = ?', f.state);
    add('kind = ?', f.kind);
    add('plan_id = ?', f.planId);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit ?? 100) as JobRow[]).map(fromRow);
  }

  /** Appends a log line (message already redacted by the caller) and returns it with its sequence number. */
  appendLog(jobId: string, line: Omit<JobLogLine, 'seq'>): JobLogLine {
    const row = this.db
      .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM job_logs WHERE job_id = ?')
      .get(jobId) as { seq: number };
    this.db
      .prepare('INSERT INTO job_logs (job_id, seq, time, level, message) VALUES (?, ?, ?, ?, ?)')
      .run(jobId, row.seq, line.time, line.level, line.message);
    if (line.level === 'warn')
      this.db.prepare('UPDATE jobs SET warnings = warnings + 1 WHERE id = ?').run(jobId);
    return { seq: row.seq, ...line };
  }

  logs(jobId: string, afterSeq = 0, limit = 500): JobLogLine[] {
    return this.db
      .prepare(
        'SELECT seq, time, level, message FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(jobId, afterSeq, limit) as JobLogLine[];
  }

  /** Jobs left queued/running/cancelling by a process that died become failed; returns their ids. */
  markInterrupted(now: string): string[] {
    const rows = this.db
      .prepare("SELECT id, state FROM jobs WHERE state IN ('queued','running','cancelling')")
      .all() as { id: string; state: string }[];
    const tx = this.db.transaction(() => {
      for (const r of rows) {
        const error = {
          code: 'TRANSIENT' as ErrorCode,
          message:
            r.state === 'queued'
              ? 'Interrupted: the console stopped before this job started.'
              : 'Interrupted: the console stopped while this job was running.',
          hint: 'Start the job again. A backup interrupted midway leaves no partial snapshot; prune removes its data.',
        };
        this.update(r.id, { state: 'failed', finishedAt: now, error });
        this.appendLog(r.id, { time: now, level: 'error', message: error.message });
      }
    });
    tx();
    return rows.map((r) => r.id);
  }
}

interface RunRow {
  id: string;
  plan_id: string;
  plan_name: string;
  scheduled_for: string;
  trigger: string;
  late: number;
  outcome: string;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  job_id: string | null;
  error: string | null;
  note: string | null;
}

function runFromRow(r: RunRow): PlanRunRecord {
  const run: PlanRunRecord = {
    id: r.id,
    planId: r.plan_id,
    planName: r.plan_name,
    scheduledFor: new Date(r.scheduled_for),
    trigger: r.trigger as RunTrigger,
    late: r.late === 1,
    outcome: r.outcome as PlanRunOutcome,
    attempts: r.attempts,
  };
  if (r.started_at !== null) run.startedAt = new Date(r.started_at);
  if (r.finished_at !== null) run.finishedAt = new Date(r.finished_at);
  if (r.job_id !== null) run.jobId = r.job_id;
  if (r.error !== null) run.error = JSON.parse(r.error) as PlanRunRecord['error'];
  if (r.note !== null) run.note = r.note;
  return run;
}

const iso = (d: Date | undefined) => (d === undefined ? null : d.toISOString());

/** The scheduler's RunHistory over `plan_runs` (and `plans.enabled_at` from migration 051, if present). */
export class PlanRunStore implements RunHistory {
  constructor(private readonly db: Database) {}

  lastScheduledFor(planId: string): Date | undefined {
    const r = this.db
      .prepare("SELECT MAX(scheduled_for) AS t FROM plan_runs WHERE plan_id = ? AND trigger = 'schedule'")
      .get(planId) as { t: string | null };
    if (r.t !== null) return new Date(r.t);
    const hasPlans = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plans'")
      .get();
    if (!hasPlans) return undefined;
    const p = this.db.prepare('SELECT enabled_at FROM plans WHERE id = ?').get(planId) as
      | { enabled_at: string | null }
      | undefined;
    return p?.enabled_at ? new Date(p.enabled_at) : undefined;
  }

  insertRun(run: PlanRunRecord): void {
    this.db
      .prepare(
        `INSERT INTO plan_runs (id, plan_id, plan_name, scheduled_for, trigger, late, outcome, attempts, started_at,
           finished_at, job_id, error, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id,
        run.planId,
        run.planName,
        run.scheduledFor.toISOString(),
        run.trigger,
        run.late ? 1 : 0,
        run.outcome,
        run.attempts,
        iso(run.startedAt),
        iso(run.finishedAt),
        run.jobId ?? null,
        json(run.error),
        run.note ?? null,
      );
  }

  updateRun(id: string, patch: Partial<Omit<PlanRunRecord, 'id' | 'planId'>>): void {
    const sets: string[] = [];
    const args: (string | number | null)[] = [];
    const put = (col: string, v: string | number | null) => {
      sets.push(`${col} = ?`);
      args.push(v);
    };
    if (patch.outcome !== undefined) put('outcome', patch.outcome);
    if (patch.attempts !== undefined) put('attempts', patch.attempts);
    if (patch.startedAt !== undefined) put('started_at', iso(patch.startedAt));
    if (patch.finishedAt !== undefined) put('finished_at', iso(patch.finishedAt));
    if (patch.jobId !== undefined) put('job_id', patch.jobId);
    if (patch.error !== undefined) put('error', json(patch.error));
    if (patch.note !== undefined) put('note', patch.note);
    if (patch.late !== undefined) put('late', patch.late ? 1 : 0);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE plan_runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  /** A plan's runs, newest scheduled first. */
  list(planId?: string, limit = 100): PlanRunRecord[] {
    const rows = (
      planId === undefined
        ? this.db.prepare('SELECT * FROM plan_runs ORDER BY scheduled_for DESC LIMIT ?').all(limit)
        : this.db
            .prepare('SELECT * FROM plan_runs WHERE plan_id = ? ORDER BY scheduled_for DESC LIMIT ?')
            .all(planId, limit)
    ) as RunRow[];
    return rows.map(runFromRow);
  }

  /** Runs left 'running' by a process that died become failed (their jobs are marked by JobStore). */
  markInterrupted(now: Date): number {
    const error = JSON.stringify({
      code: 'TRANSIENT',
      message: 'Interrupted: the console stopped during this run.',
    });
    return this.db
      .prepare(
        "UPDATE plan_runs SET outcome = 'failed', finished_at = ?, error = ? WHERE outcome = 'running'",
      )
      .run(now.toISOString(), error).changes;
  }
}
