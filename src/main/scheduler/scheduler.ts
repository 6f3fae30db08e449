/**
 * The scheduler loop. Driven only by the injected Clock: it sleeps until the next due time, but at
 * most `wakeCheckMs` (1 minute), so a machine that slept or a clock that jumped is noticed within a
 * minute. Each pass compares every enabled plan's cursor (the last scheduled time it dealt with,
 * persisted through RunHistory) with now: due times become one run (late if past the grace period,
 * within the plan's window) and older ones are recorded as missed. A plan never runs twice at once;
 * a due time that finds its plan still running is recorded as skipped (coalesced).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import { AppError, cancelled, type ErrorCode, toAppError } from '../platform/errors.js';
import { type Logger, nullLogger } from '../platform/logger.js';
import { directLauncher } from './direct-launcher.js';
import type { Plan } from './policy.js';
import { dueRuns, missedRunDecision, nextRun, ON_TIME_GRACE_MS } from './schedule.js';
import { formatZoned } from './time-format.js';
import type {
  JobLauncher,
  LaunchedJobContext,
  PlanRunRecord,
  RunHistory,
  RunPlanFn,
  RunResult,
  RunTrigger,
  SchedulerEvent,
} from './types.js';

export interface SchedulerDeps {
  clock: Clock;
  /** The current plans (re-read every pass, so edits take effect within a minute). */
  plans: () => readonly Plan[];
  runPlan: RunPlanFn;
  history: RunHistory;
  jobs?: JobLauncher;
  emit?: (event: SchedulerEvent) => void;
  logger?: Logger;
  /** Longest sleep between passes (default 60 000 ms). */
  wakeCheckMs?: number;
  graceMs?: number;
}

export interface PlanStatus {
  planId: string;
  planName: string;
  enabled: boolean;
  nextRun?: Date;
  runningRunId?: string;
}

/** Error codes that are retried when thrown by runPlan (a returned RunResult says so itself). */
const RETRYABLE_CODES = new Set(['TRANSIENT', 'LOCKED', 'KMS_UNAVAILABLE']);

/** Sleeps on the clock; rejects with CANCELLED when the signal fires (FakeClock ignores signals). */
export function sleepOn(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    clock.sleep(ms, signal).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        reject(cancelled());
      },
    );
  });
}

export class Scheduler {
  private readonly cursors = new Map<string, Date>();
  private readonly active = new Map<
    string,
    { run: PlanRunRecord; jobId: string; done: Promise<PlanRunRecord> }
  >();
  private readonly jobs: JobLauncher;
  private readonly log: Logger;
  private stopper = new AbortController();
  private loopDone: Promise<void> | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    this.jobs = deps.jobs ?? directLauncher();
    this.log = (deps.logger ?? nullLogger).child('scheduler');
  }

  /** Boot: loads cursors from history, handles runs missed while the process was down, starts the loop. */
  start(): void {
    if (this.loopDone) return;
    this.stopper = new AbortController();
    this.tick();
    this.loopDone = this.loop();
  }

  /** Stops the loop; running runs are cancelled (default) or awaited. */
  async stop(opts: { cancelRunning?: boolean } = {}): Promise<void> {
    this.stopper.abort();
    if (opts.cancelRunning !== false) for (const a of this.active.values()) this.jobs.cancel(a.jobId);
    await this.loopDone;
    this.loopDone = undefined;
    await this.idle();
  }

  /** Resolves when no run is active. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /** One pass over all plans at the clock's now. Synchronous: runs are launched, not awaited. */
  tick(): void {
    const now = this.deps.clock.now();
    const enabled = this.deps.plans().filter((p) => p.enabled);
    for (const id of this.cursors.keys()) if (!enabled.some((p) => p.id === id)) this.cursors.delete(id);
    for (const plan of enabled) {
      try {
        this.tickPlan(plan, now);
      } catch (e) {
        this.log.error(`Plan "${plan.name}" could not be scheduled: ${toAppError(e).message}`);
      }
    }
  }

  /** Runs a plan now (on demand, or a detected schema change). Coalesces with a running run. */
  runNow(planId: string, trigger: RunTrigger = 'manual'): { runId: string; done: Promise<PlanRunRecord> } {
    const plan = this.deps.plans().find((p) => p.id === planId);
    if (!plan)
      throw new AppError('NOT_FOUND', `No backup plan "${planId}".`, {
        hint: 'List plans with `mvono-backup plans`.',
      });
    const now = this.deps.clock.now();
    const running = this.active.get(plan.id);
    if (running) {
      this.recordSkipped(plan, now, trigger, running.run.id);
      return { runId: running.run.id, done: running.done };
    }
    const run = this.launch(plan, now, trigger, false);
    return { runId: run.run.id, done: run.done };
  }

  /** Schema change detected (e.g. by a migration hook): runs every enabled schema-change plan. */
  schemaChanged(): void {
    for (const p of this.deps.plans())
      if (p.enabled && p.trigger === 'schema-change') this.runNow(p.id, 'schema-change');
  }

  status(): PlanStatus[] {
    const now = this.deps.clock.now();
    return this.deps.plans().map((p) => {
      const s: PlanStatus = { planId: p.id, planName: p.name, enabled: p.enabled };
      const after = this.cursors.get(p.id);
      const next = p.enabled ? nextRun(p, after && after > now ? after : now) : undefined;
      if (next) s.nextRun = next;
      const a = this.active.get(p.id);
      if (a) s.runningRunId = a.run.id;
      return s;
    });
  }

  private async loop(): Promise<void> {
    const { clock } = this.deps;
    const wakeMs = this.deps.wakeCheckMs ?? 60_000;
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      const now = clock.now();
      let wait = wakeMs;
      for (const p of this.deps.plans()) {
        if (!p.enabled) continue;
        const n = safeNext(p, now);
        if (n) wait = Math.min(wait, n.getTime() - now.getTime());
      }
      wait = Math.max(1, wait);
      try {
        await sleepOn(clock, wait, signal);
      } catch {
        break;
      }
      const woke = clock.now().getTime();
      const overslept = woke - (now.getTime() + wait);
      if (overslept > (this.deps.graceMs ?? ON_TIME_GRACE_MS)) {
        this.log.info(
          `Woke ${Math.round(overslept / 60_000)} min later than planned (sleep or clock change).`,
        );
      } else if (woke < now.getTime()) {
        this.log.warn('The system clock went backwards; runs already made will not be repeated.');
      }
      this.tick();
    }
  }

  private tickPlan(plan: Plan, now: Date): void {
    let cursor = this.cursors.get(plan.id);
    if (!cursor) {
      cursor = this.deps.history.lastScheduledFor(plan.id) ?? now;
      this.cursors.set(plan.id, cursor);
    }
    const due = dueRuns(plan, cursor, now);
    const latest = due.at(-1);
    if (!latest) return;
    this.cursors.set(plan.id, latest);
    const decision = missedRunDecision(plan, due, now, this.deps.graceMs);
    if (decision.missed.length > 0) this.recordMissed(plan, decision.missed, due.omitted, now);
    const run = decision.run;
    if (!run) return;
    const running = this.active.get(plan.id);
    if (running) {
      this.recordSkipped(plan, run.scheduledFor, 'schedule', running.run.id);
      return;
    }
    const launched = this.launch(plan, run.scheduledFor, 'schedule', run.late);
    if (run.late) {
      this.log.info(
        `"${plan.name}" due ${formatZoned(run.scheduledFor, plan.timeZone)} runs late (catch-up).`,
      );
      this.emit(plan, {
        type: 'run.late',
        runId: launched.run.id,
        scheduledFor: run.scheduledFor.toISOString(),
        latenessMinutes: Math.round(run.latenessMs / 60_000),
      });
    }
  }

  private recordMissed(plan: Plan, times: Date[], omitted: number, now: Date): void {
    if (!plan.reportMissed) {
      this.log.debug(`"${plan.name}": ${times.length + omitted} periodic run(s) coalesced.`);
      return;
    }
    for (const t of times) {
      this.deps.history.insertRun({
        id: randomUUID(),
        planId: plan.id,
        planName: plan.name,
        scheduledFor: t,
        trigger: 'schedule',
        late: false,
        outcome: 'missed',
        attempts: 0,
        note: 'The console was not running (machine off or asleep) at the scheduled time.',
      });
    }
    this.log.warn(`"${plan.name}": ${times.length + omitted} scheduled run(s) missed.`);
    const scheduledFor = times.map((t) => t.toISOString());
    this.emit(plan, { type: 'run.missed', scheduledFor, omitted, time: now.toISOString() });
  }

  private recordSkipped(plan: Plan, at: Date, trigger: RunTrigger, runningRunId: string): void {
    const reason = 'The previous run of this plan was still in progress; this one was coalesced into it.';
    const now = this.deps.clock.now();
    this.deps.history.insertRun({
      id: randomUUID(),
      planId: plan.id,
      planName: plan.name,
      scheduledFor: at,
      trigger,
      late: false,
      outcome: 'skipped',
      attempts: 0,
      finishedAt: now,
      note: reason,
    });
    this.emit(plan, { type: 'run.skipped', scheduledFor: at.toISOString(), reason, runningRunId });
  }

  private launch(plan: Plan, scheduledFor: Date, trigger: RunTrigger, late: boolean) {
    const now = this.deps.clock.now();
    const run: PlanRunRecord = {
      id: randomUUID(),
      planId: plan.id,
      planName: plan.name,
      scheduledFor,
      trigger,
      late,
      outcome: 'running',
      attempts: 0,
      startedAt: now,
    };
    this.deps.history.insertRun(run);
    const when = formatZoned(scheduledFor, plan.timeZone);
    const title = `${plan.name} (${trigger === 'schedule' ? `scheduled ${when}${late ? ', late' : ''}` : trigger})`;
    const kind = plan.kind === 'schema' ? 'schema-export' : 'backup';
    const job = this.jobs.start(kind, title, (ctx) => this.attempts(plan, run, ctx), { planId: plan.id });
    run.jobId = job.id;
    this.deps.history.updateRun(run.id, { jobId: job.id });
    const entry = { run, jobId: job.id, done: Promise.resolve(run) };
    entry.done = this.finish(plan, run, job.id);
    this.active.set(plan.id, entry);
    this.emit(plan, {
      type: 'run.started',
      runId: run.id,
      jobId: job.id,
      scheduledFor: scheduledFor.toISOString(),
      late,
      trigger,
    });
    return entry;
  }

  /** The job's work: runPlan with retries per the plan's policy (only retryable failures). */
  private async attempts(plan: Plan, run: PlanRunRecord, ctx: LaunchedJobContext): Promise<RunResult> {
    for (let attempt = 1; ; attempt++) {
      run.attempts = attempt;
      this.deps.history.updateRun(run.id, { attempts: attempt });
      let result: RunResult;
      try {
        result = await this.deps.runPlan(plan, {
          ...ctx,
          late: run.late,
          scheduledFor: run.scheduledFor,
          trigger: run.trigger,
          attempt,
        });
      } catch (e) {
        const err = toAppError(e);
        if (err.code === 'CANCELLED' || ctx.signal.aborted) throw cancelled();
        result = { ok: false, error: err.toJSON(), retryable: RETRYABLE_CODES.has(err.code) };
      }
      if (result.ok) return result;
      if (ctx.signal.aborted) throw cancelled();
      if (!result.retryable || attempt > plan.retry.attempts) {
        throw new AppError(result.error.code, result.error.message, { hint: result.error.hint });
      }
      const waitMin = plan.retry.backoffMinutes * attempt;
      ctx.log('warn', `Attempt ${attempt} failed (${result.error.message}); retrying in ${waitMin} min.`);
      this.emit(plan, {
        type: 'run.retrying',
        runId: run.id,
        attempt,
        inMinutes: waitMin,
        error: result.error,
      });
      await sleepOn(this.deps.clock, waitMin * 60_000, ctx.signal);
    }
  }

  private async finish(plan: Plan, run: PlanRunRecord, jobId: string): Promise<PlanRunRecord> {
    const fin = await this.jobs.wait(jobId);
    const now = this.deps.clock.now();
    run.finishedAt = now;
    run.outcome =
      fin.state === 'succeeded' ? 'succeeded' : fin.state === 'cancelled' ? 'cancelled' : 'failed';
    if (run.outcome === 'failed') {
      const e = fin.error ?? { code: 'INTERNAL', message: 'The run failed without an error.' };
      run.error = { code: e.code as ErrorCode, message: e.message };
      if (e.hint !== undefined) run.error.hint = e.hint;
    }
    this.deps.history.updateRun(run.id, {
      outcome: run.outcome,
      finishedAt: now,
      attempts: run.attempts,
      ...(run.error ? { error: run.error } : {}),
    });
    this.active.delete(plan.id);
    const base = { runId: run.id, scheduledFor: run.scheduledFor.toISOString(), time: now.toISOString() };
    const summary = (fin.result as { summary?: unknown } | undefined)?.summary;
    if (typeof summary === 'string') {
      run.note = summary;
      this.deps.history.updateRun(run.id, { note: summary });
    }
    if (run.outcome === 'succeeded') {
      this.emit(plan, { type: 'run.finished', ...base, ...(run.note ? { summary: run.note } : {}) });
    } else if (run.outcome === 'cancelled') this.emit(plan, { type: 'run.cancelled', ...base });
    else if (run.error)
      this.emit(plan, { type: 'run.failed', ...base, attempts: run.attempts, error: run.error });
    return run;
  }

  private emit(plan: Plan, e: DistributiveOmit<SchedulerEvent, 'planId' | 'planName' | 'timeZone'>): void {
    const event = { ...e, planId: plan.id, planName: plan.name, timeZone: plan.timeZone } as SchedulerEvent;
    try {
      this.deps.emit?.(event);
    } catch (err) {
      this.log.error(`A scheduler event listener failed: ${toAppError(err).message}`);
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function safeNext(p: Plan, now: Date): Date | undefined {
  try {
    return nextRun(p, now);
  } catch {
    return undefined;
  }
}
