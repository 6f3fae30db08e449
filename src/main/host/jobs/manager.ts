/**
 * The job manager: every long operation (backup, restore, test, prune, check, copy, schema export)
 * runs as a Job with a persisted state, progress snapshot, result, error and log. Work receives an
 * AbortSignal, a ProgressReporter and a log function; cancel() aborts it. Jobs wait in lanes:
 * by default one repository job (backup/prune/check/copy) at a time per repository, restores in their
 * own lane, schema exports in theirs. Jobs left running by a dead process are marked failed at start.
 */
import { randomUUID } from 'node:crypto';
import type { EventPayload } from '../../../shared/contract/events.js';
import type { Job, JobKind, JobLogLine } from '../../../shared/contract/jobs.js';
import type { JobPatch, JobStore, StoredJob } from '../../catalog/jobs.js';
import type { ProgressReporter, ProgressSnapshot } from '../../engine/progress.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, cancelled, toAppError } from '../../platform/errors.js';
import { type Logger, nullLogger, redact } from '../../platform/logger.js';
import { exportJobLog } from './export.js';

export type JobEventName = 'job.progress' | 'job.state' | 'job.log';
export type JobEmitter = <E extends JobEventName>(name: E, payload: EventPayload<E>) => void;
export type LogLevel = JobLogLine['level'];

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress: ProgressReporter;
  log(level: LogLevel, message: string): void;
}
export type JobWork<R> = (ctx: JobContext) => Promise<R>;

export interface StartOptions {
  planId?: string;
  /** Storage target / repository the job works on: the concurrency lane is per repository. */
  targetId?: string;
  repository?: string;
  /** A username, or "scheduler" (default "system"). */
  startedBy?: string;
}

export type Lane = 'repository' | 'restore' | 'schema';
export function laneOf(kind: JobKind): Lane {
  if (kind === 'restore' || kind === 'restore-test') return 'restore';
  if (kind === 'schema-export') return 'schema';
  return 'repository';
}

export interface JobManagerDeps {
  store: JobStore;
  clock: Clock;
  emit?: JobEmitter;
  logger?: Logger;
  /** Jobs running at once per lane and repository (default 1 each). */
  limits?: Partial<Record<Lane, number>>;
  /** Least time between two job.progress events of a job (default 500 ms of the clock). */
  progressIntervalMs?: number;
}

interface Entry {
  job: StoredJob;
  work: JobWork<unknown>;
  ac: AbortController;
  done: Promise<StoredJob>;
  resolve: (j: StoredJob) => void;
  progress?: ProgressSnapshot;
  lastProgressAt: number;
  progressPending: boolean;
}

const TERMINAL = new Set(['cancelled', 'succeeded', 'failed']);

/** Keeps the primitive top-level fields of a work result (the contract's result record). */
function summarize(r: unknown): Job['result'] {
  if (r === null || typeof r !== 'object') return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === 'string') out[k] = redact(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export class JobManager {
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, Entry[]>();
  private readonly runningIn = new Map<string, number>();
  private readonly log: Logger;

  constructor(private readonly deps: JobManagerDeps) {
    this.log = (deps.logger ?? nullLogger).child('jobs');
    const ids = deps.store.markInterrupted(this.now());
    if (ids.length > 0)
      this.log.warn(`${ids.length} job(s) interrupted by the last shutdown were marked failed.`);
  }

  start<R>(kind: JobKind, title: string, work: JobWork<R>, opts: StartOptions = {}): StoredJob {
    const lane = `${laneOf(kind)}:${opts.repository ?? opts.targetId ?? 'default'}`;
    const job: StoredJob = {
      id: randomUUID(),
      kind,
      title: redact(title),
      state: 'queued',
      lane,
      startedBy: opts.startedBy ?? 'system',
      createdAt: this.now(),
      warnings: 0,
    };
    if (opts.planId !== undefined) job.planId = opts.planId;
    if (opts.targetId !== undefined) job.targetId = opts.targetId;
    this.deps.store.insert(job);
    let resolve: (j: StoredJob) => void = () => {};
    const done = new Promise<StoredJob>((r) => {
      resolve = r;
    });
    const entry: Entry = {
      job,
      work,
      ac: new AbortController(),
      done,
      resolve,
      lastProgressAt: -Infinity,
      progressPending: false,
    };
    this.entries.set(job.id, entry);
    this.emit('job.state', { jobId: job.id, state: 'queued' });
    const q = this.queues.get(lane) ?? [];
    q.push(entry);
    this.queues.set(lane, q);
    this.pump(lane);
    return { ...job };
  }

  /** Cancels a queued job at once, or asks a running one to stop (state cancelling → cancelled). */
  cancel(id: string): StoredJob {
    const e = this.entries.get(id);
    if (!e) return this.require(id);
    if (e.job.state === 'queued') {
      const q = this.queues.get(e.job.lane) ?? [];
      this.queues.set(
        e.job.lane,
        q.filter((x) => x !== e),
      );
      this.settle(e, 'cancelled');
    } else if (e.job.state === 'running') {
      this.setState(e, { state: 'cancelling' });
      this.appendLog(e, 'warn', 'Cancellation requested.');
      e.ac.abort(cancelled());
    }
    return { ...e.job };
  }

  /** Resolves with the job once it has finished (any terminal state). */
  async wait(id: string): Promise<StoredJob> {
    const e = this.entries.get(id);
    return e ? e.done : this.require(id);
  }

  get(id: string): StoredJob | undefined {
    const e = this.entries.get(id);
    return e ? { ...e.job } : this.deps.store.get(id);
  }

  require(id: string): StoredJob {
    const j = this.get(id);
    if (!j)
      throw new AppError('NOT_FOUND', `No job "${id}".`, { hint: 'List recent jobs to see their ids.' });
    return j;
  }

  list(f: Parameters<JobStore['list']>[0] = {}): StoredJob[] {
    return this.deps.store.list(f).map((j) => this.get(j.id) ?? j);
  }

  logs(id: string, afterSeq = 0, limit = 500): JobLogLine[] {
    this.require(id);
    return this.deps.store.logs(id, afterSeq, limit);
  }

  /** The job and its whole log as plain text, for an operator to read or attach to an incident. */
  exportLog(id: string, timeZone?: string): string {
    const job = this.require(id);
    const lines: JobLogLine[] = [];
    for (let after = 0; ; ) {
      const page = this.deps.store.logs(id, after, 1000);
      lines.push(...page);
      const last = page.at(-1);
      if (!last || page.length < 1000) break;
      after = last.seq;
    }
    return exportJobLog(job, lines, timeZone);
  }

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    for (;;) {
      const open = [...this.entries.values()].filter((e) => !TERMINAL.has(e.job.state));
      if (open.length === 0) return;
      await Promise.all(open.map((e) => e.done));
    }
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private pump(lane: string): void {
    const limit = this.deps.limits?.[lane.split(':')[0] as Lane] ?? 1;
    const q = this.queues.get(lane) ?? [];
    while ((this.runningIn.get(lane) ?? 0) < limit && q.length > 0) {
      const e = q.shift();
      if (e) this.run(e);
    }
  }

  private run(e: Entry): void {
    const lane = e.job.lane;
    this.runningIn.set(lane, (this.runningIn.get(lane) ?? 0) + 1);
    this.setState(e, { state: 'running', startedAt: this.now() });
    const ctx: JobContext = {
      jobId: e.job.id,
      signal: e.ac.signal,
      log: (level, message) => this.appendLog(e, level, message),
      progress: {
        update: (p) => this.onProgress(e, p),
        log: (level, message) => this.appendLog(e, level, message),
      },
    };
    let p: Promise<unknown>;
    try {
      p = e.work(ctx);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (r) => this.settle(e, 'succeeded', undefined, r),
      (err: unknown) => {
        const ae = toAppError(err);
        if (e.ac.signal.aborted || ae.code === 'CANCELLED') return this.settle(e, 'cancelled');
        if (ae.code === 'INTERNAL')
          this.log.error(`Job "${e.job.title}" failed unexpectedly`, { cause: String(err) });
        this.settle(e, 'failed', ae);
      },
    ).finally(() => {
      this.runningIn.set(lane, (this.runningIn.get(lane) ?? 1) - 1);
      this.pump(lane);
    });
  }

  private settle(
    e: Entry,
    state: 'succeeded' | 'failed' | 'cancelled',
    err?: AppError,
    result?: unknown,
  ): void {
    this.flushProgress(e);
    const patch: JobPatch = { state, finishedAt: this.now() };
    const res = summarize(result);
    if (res) patch.result = res;
    if (err) {
      const j = err.toJSON();
      patch.error = { ...j, message: redact(j.message), ...(j.hint ? { hint: redact(j.hint) } : {}) };
      this.appendLog(e, 'error', `Failed: ${patch.error.message}`);
    } else if (state === 'cancelled') {
      this.appendLog(e, 'warn', 'Cancelled.');
    }
    this.setState(e, patch);
    this.entries.delete(e.job.id);
    e.resolve({ ...e.job });
  }

  private setState(e: Entry, patch: JobPatch): void {
    Object.assign(e.job, patch);
    this.deps.store.update(e.job.id, patch);
    if (patch.state) {
      const payload: EventPayload<'job.state'> = { jobId: e.job.id, state: patch.state };
      if (e.job.error) payload.error = e.job.error;
      if (e.job.result) payload.result = e.job.result;
      this.emit('job.state', payload);
    }
  }

  private appendLog(e: Entry, level: LogLevel, message: string): void {
    const line = this.deps.store.appendLog(e.job.id, { time: this.now(), level, message: redact(message) });
    if (level === 'warn') e.job.warnings += 1;
    this.emit('job.log', { jobId: e.job.id, ...line });
  }

  private onProgress(e: Entry, p: ProgressSnapshot): void {
    const phaseChanged = e.progress?.phase !== p.phase;
    e.progress = { ...p, ...(p.current !== undefined ? { current: redact(p.current) } : {}) };
    const t = this.deps.clock.now().getTime();
    if (phaseChanged || t - e.lastProgressAt >= (this.deps.progressIntervalMs ?? 500)) {
      e.lastProgressAt = t;
      e.progressPending = true;
      this.flushProgress(e);
    } else {
      e.progressPending = true;
    }
  }

  private flushProgress(e: Entry): void {
    if (!e.progressPending || !e.progress) return;
    e.progressPending = false;
    e.job.progress = e.progress;
    this.deps.store.update(e.job.id, { progress: e.progress });
    this.emit('job.progress', { jobId: e.job.id, ...e.progress });
  }

  private emit<E extends JobEventName>(name: E, payload: EventPayload<E>): void {
    try {
      this.deps.emit?.(name, payload);
    } catch (err) {
      this.log.error(`A job event listener failed: ${toAppError(err).message}`);
    }
  }
}
