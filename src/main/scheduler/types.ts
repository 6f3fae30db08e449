/**
 * Ports of the scheduler: what it calls (runPlan, a job launcher, a run history) and what it emits.
 * The host wires the real ones: runPlan from the engine, JobManager (host/jobs), PlanRunStore (catalog).
 */
import type { ProgressReporter } from '../engine/progress.js';
import type { ErrorCode } from '../platform/errors.js';
import type { Plan } from './policy.js';

export type RunTrigger = 'schedule' | 'manual' | 'schema-change';

export interface RunContext {
  /** Started after its time (machine was asleep/off); the catch-up run. */
  late: boolean;
  signal: AbortSignal;
  scheduledFor: Date;
  trigger: RunTrigger;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  progress: ProgressReporter;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface RunError {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/** What runPlan answers. A thrown AppError is treated like `{ok:false}`, retryable if TRANSIENT/LOCKED. */
export type RunResult =
  | { ok: true; summary?: string; snapshotId?: string; details?: Record<string, unknown> }
  | { ok: false; error: RunError; retryable: boolean };

/** Runs one plan once (backup + retention); supplied by the host. */
export type RunPlanFn = (plan: Plan, ctx: RunContext) => Promise<RunResult>;

export type PlanRunOutcome = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'missed' | 'skipped';

export interface PlanRunRecord {
  id: string;
  planId: string;
  planName: string;
  scheduledFor: Date;
  trigger: RunTrigger;
  late: boolean;
  outcome: PlanRunOutcome;
  attempts: number;
  startedAt?: Date;
  finishedAt?: Date;
  jobId?: string;
  error?: RunError;
  /** Why a run was skipped or missed, or the run's summary. */
  note?: string;
}

/** Persistence of plan runs (catalog/jobs.ts PlanRunStore implements it; synchronous like SQLite). */
export interface RunHistory {
  /**
   * The latest scheduledFor of a `schedule`-triggered record (any outcome) of the plan, or else when
   * the plan was created/enabled; undefined if unknown (the scheduler then starts from now).
   */
  lastScheduledFor(planId: string): Date | undefined;
  insertRun(run: PlanRunRecord): void;
  updateRun(id: string, patch: Partial<Omit<PlanRunRecord, 'id' | 'planId'>>): void;
}

export interface LaunchedJobContext {
  signal: AbortSignal;
  progress: ProgressReporter;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface FinishedJob {
  state: string;
  error?: { code: string; message: string; hint?: string } | undefined;
  /** What the work returned (the RunResult), when the launcher keeps it. */
  result?: unknown;
}

/** The part of the job manager (host/jobs) the scheduler uses. */
export interface JobLauncher {
  start(
    kind: 'backup' | 'schema-export',
    title: string,
    work: (ctx: LaunchedJobContext) => Promise<unknown>,
    opts?: { planId?: string; repository?: string },
  ): { id: string };
  wait(id: string): Promise<FinishedJob>;
  cancel(id: string): void;
}

interface PlanRef {
  planId: string;
  planName: string;
  timeZone: string;
}

/** Events for the dashboard and notifications. Times are ISO-8601 UTC strings. */
export type SchedulerEvent =
  | (PlanRef & {
      type: 'run.started';
      runId: string;
      jobId: string;
      scheduledFor: string;
      late: boolean;
      trigger: RunTrigger;
    })
  | (PlanRef & { type: 'run.late'; runId: string; scheduledFor: string; latenessMinutes: number })
  | (PlanRef & { type: 'run.finished'; runId: string; scheduledFor: string; time: string; summary?: string })
  | (PlanRef & {
      type: 'run.failed';
      runId: string;
      scheduledFor: string;
      time: string;
      attempts: number;
      error: RunError;
    })
  | (PlanRef & { type: 'run.retrying'; runId: string; attempt: number; inMinutes: number; error: RunError })
  | (PlanRef & { type: 'run.cancelled'; runId: string; scheduledFor: string; time: string })
  | (PlanRef & { type: 'run.missed'; scheduledFor: string[]; omitted: number; time: string })
  | (PlanRef & { type: 'run.skipped'; scheduledFor: string; reason: string; runningRunId: string });

export type SchedulerEventType = SchedulerEvent['type'];
