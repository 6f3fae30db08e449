import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openCatalog } from '../../src/main/catalog/db.js';
import { PlanRunStore } from '../../src/main/catalog/jobs.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { AppError } from '../../src/main/platform/errors.js';
import { defaultPlans, type Plan } from '../../src/main/scheduler/policy.js';
import { Scheduler } from '../../src/main/scheduler/scheduler.js';
import type { RunContext, RunResult, SchedulerEvent } from '../../src/main/scheduler/types.js';

/** Lets promise continuations run (the scheduler's work is async between clock steps). */
async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
}

/**
 * FAKE runPlan — a test double standing in for the lead's real runPlan (backup + retention).
 * Each call waits until the test resolves it (or answers at once with `auto`).
 */
class FakeRunPlan {
  calls: { plan: string; ctx: RunContext; resolve: (r: RunResult) => void; reject: (e: unknown) => void }[] =
    [];
  auto: (() => RunResult) | undefined = () => ({ ok: true, summary: 'snapshot abc123' });
  readonly fn = (plan: Plan, ctx: RunContext): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      this.calls.push({ plan: plan.id, ctx, resolve, reject });
      ctx.signal.addEventListener('abort', () => reject(new AppError('CANCELLED', 'cancelled')));
      if (this.auto) resolve(this.auto());
    });
}

function setup(opts: { start: string; plans: Plan[]; lastRun?: Record<string, string> }) {
  const clock = new FakeClock(opts.start);
  const db = openCatalog(':memory:', { clock });
  const history = new PlanRunStore(db);
  for (const [planId, at] of Object.entries(opts.lastRun ?? {})) {
    history.insertRun({
      id: `seed-${planId}`,
      planId,
      planName: planId,
      scheduledFor: new Date(at),
      trigger: 'schedule',
      late: false,
      outcome: 'succeeded',
      attempts: 1,
    });
  }
  const events: SchedulerEvent[] = [];
  const run = new FakeRunPlan();
  const scheduler = new Scheduler({
    clock,
    plans: () => opts.plans,
    runPlan: run.fn,
    history,
    emit: (e) => events.push(e),
  });
  /** Moves the clock forward in one-minute steps, letting the loop run between them. */
  const walk = async (ms: number, step = 60_000) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await settle();
    }
  };
  const runs = (planId: string) =>
    history
      .list(planId)
      .filter((r) => r.id !== `seed-${planId}`)
      .reverse();
  return { clock, history, events, run, scheduler, walk, runs, db };
}

const plan = (id: string, patch: Partial<Plan> = {}): Plan => {
  const p = defaultPlans().find((x) => x.id === id);
  assert.ok(p);
  return { ...p, ...patch };
};

describe('Scheduler (FakeClock, fake runPlan)', () => {
  it('runs a daily 00:00 EAT plan at 21:00 UTC, on time, once', async () => {
    const t = setup({ start: '2026-03-15T20:58:00Z', plans: [plan('database-full')] });
    t.scheduler.start();
    await t.walk(5 * 60_000);
    assert.equal(t.run.calls.length, 1);
    assert.equal(t.run.calls[0]?.ctx.late, false);
    assert.equal(t.run.calls[0]?.ctx.scheduledFor.toISOString(), '2026-03-15T21:00:00.000Z');
    const [r] = t.runs('database-full');
    assert.equal(r?.outcome, 'succeeded');
    assert.equal(r?.note, 'snapshot abc123');
    assert.deepEqual(
      t.events.map((e) => e.type),
      ['run.started', 'run.finished'],
    );
    await t.scheduler.stop();
  });

  it('on boot after the machine was off: catches up ONCE (late), older due runs marked missed', async () => {
    // Last run Mar 10 00:00 EAT; machine off until Mar 14 01:00 EAT (22:00 UTC Mar 13).
    const t = setup({
      start: '2026-03-13T22:00:00Z',
      plans: [plan('database-full')],
      lastRun: { 'database-full': '2026-03-09T21:00:00Z' },
    });
    t.scheduler.start();
    await settle();
    assert.equal(t.run.calls.length, 1, 'exactly one catch-up run');
    assert.equal(t.run.calls[0]?.ctx.late, true);
    assert.equal(t.run.calls[0]?.ctx.scheduledFor.toISOString(), '2026-03-13T21:00:00.000Z');
    const runs = t.runs('database-full');
    assert.deepEqual(
      runs.map((r) => [r.scheduledFor.toISOString(), r.outcome, r.late]),
      [
        ['2026-03-10T21:00:00.000Z', 'missed', false],
        ['2026-03-11T21:00:00.000Z', 'missed', false],
        ['2026-03-12T21:00:00.000Z', 'missed', false],
        ['2026-03-13T21:00:00.000Z', 'succeeded', true],
      ],
    );
    const missed = t.events.find((e) => e.type === 'run.missed');
    assert.ok(missed && missed.type === 'run.missed');
    assert.equal(missed.scheduledFor.length, 3);
    assert.ok(t.events.some((e) => e.type === 'run.late' && e.latenessMinutes === 60));
    // Restarting does not run it again.
    await t.scheduler.stop();
    const again = new Scheduler({
      clock: t.clock,
      plans: () => [plan('database-full')],
      runPlan: t.run.fn,
      history: t.history,
    });
    again.start();
    await settle();
    assert.equal(t.run.calls.length, 1);
    await again.stop();
  });

  it('after a long sleep while running: one catch-up run on wake, the rest missed', async () => {
    const t = setup({ start: '2026-03-15T10:00:00Z', plans: [plan('incremental')] });
    t.scheduler.start();
    await t.walk(3 * 60 * 60_000 + 60_000); // normal operation across the 13:00 UTC (16:00 EAT) run
    assert.equal(t.run.calls.length, 1);
    t.clock.advance(18 * 60 * 60_000); // laptop lid closed for 18 h: 17,21,01,05 UTC came due
    await settle();
    assert.equal(t.run.calls.length, 2, 'one catch-up, not four runs');
    assert.equal(t.run.calls[1]?.ctx.late, true);
    assert.equal(t.run.calls[1]?.ctx.scheduledFor.toISOString(), '2026-03-16T05:00:00.000Z');
    const outcomes = t.runs('incremental').map((r) => r.outcome);
    assert.deepEqual(outcomes, ['succeeded', 'missed', 'missed', 'missed', 'succeeded']);
    await t.scheduler.stop();
  });

  it('never overlaps: a run still going when the next is due is not started twice (skipped)', async () => {
    const t = setup({ start: '2026-03-15T12:59:00Z', plans: [plan('incremental')] });
    t.run.auto = undefined; // runs hang until resolved
    t.scheduler.start();
    await t.walk(2 * 60_000);
    assert.equal(t.run.calls.length, 1);
    await t.walk(4 * 60 * 60_000); // 17:00 UTC comes due while the 13:00 run still runs
    assert.equal(t.run.calls.length, 1, 'not started twice');
    const skipped = t.runs('incremental').filter((r) => r.outcome === 'skipped');
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]?.scheduledFor.toISOString(), '2026-03-15T17:00:00.000Z');
    assert.ok(t.events.some((e) => e.type === 'run.skipped'));
    // On-demand run while running is coalesced too.
    t.scheduler.runNow('incremental');
    assert.equal(t.run.calls.length, 1);
    t.run.calls[0]?.resolve({ ok: true });
    await settle();
    await t.walk(4 * 60 * 60_000);
    assert.equal(t.run.calls.length, 2, 'the next due time runs normally');
    t.run.calls[1]?.resolve({ ok: true });
    await t.scheduler.stop();
  });

  it('retries retryable failures per the plan policy, with backoff on the clock', async () => {
    const t = setup({
      start: '2026-03-15T20:59:00Z',
      plans: [plan('database-full', { retry: { attempts: 2, backoffMinutes: 10 } })],
    });
    let n = 0;
    t.run.auto = () =>
      ++n < 3
        ? { ok: false, retryable: true, error: { code: 'TRANSIENT', message: 'S3 answered 503 Slow Down' } }
        : { ok: true };
    t.scheduler.start();
    await t.walk(2 * 60_000);
    assert.equal(t.run.calls.length, 1);
    await t.walk(10 * 60_000);
    assert.equal(t.run.calls.length, 2, 'first retry after 10 min');
    await t.walk(18 * 60_000);
    assert.equal(t.run.calls.length, 2, 'second retry waits 20 min');
    await t.walk(2 * 60_000);
    assert.equal(t.run.calls.length, 3);
    assert.deepEqual(
      t.run.calls.map((c) => c.ctx.attempt),
      [1, 2, 3],
    );
    const [r] = t.runs('database-full');
    assert.equal(r?.outcome, 'succeeded');
    assert.equal(r?.attempts, 3);
    assert.equal(t.events.filter((e) => e.type === 'run.retrying').length, 2);
    await t.scheduler.stop();
  });

  it('does not retry a non-retryable failure; reports it once', async () => {
    const t = setup({ start: '2026-03-15T20:59:00Z', plans: [plan('database-full')] });
    t.run.auto = () => {
      throw new AppError('WRONG_KEY', 'No key slot of repository r1 opens with this key.');
    };
    t.scheduler.start();
    await t.walk(5 * 60_000);
    await t.walk(60 * 60_000);
    assert.equal(t.run.calls.length, 1);
    const failed = t.events.filter((e) => e.type === 'run.failed');
    assert.equal(failed.length, 1);
    const f = failed[0];
    assert.ok(f && f.type === 'run.failed');
    assert.equal(f.error.code, 'WRONG_KEY');
    assert.equal(f.attempts, 1);
    assert.equal(t.runs('database-full')[0]?.outcome, 'failed');
    await t.scheduler.stop();
  });

  it('gives up after the last retry and reports the failure', async () => {
    const t = setup({
      start: '2026-03-15T20:59:00Z',
      plans: [plan('database-full', { retry: { attempts: 1, backoffMinutes: 5 } })],
    });
    t.run.auto = () => {
      throw new AppError('TRANSIENT', 'bucket unreachable');
    };
    t.scheduler.start();
    await t.walk(30 * 60_000);
    assert.equal(t.run.calls.length, 2);
    const f = t.events.find((e) => e.type === 'run.failed');
    assert.ok(f && f.type === 'run.failed' && f.attempts === 2);
    await t.scheduler.stop();
  });

  it('stop() cancels a running run (recorded cancelled) and ends the loop', async () => {
    const t = setup({ start: '2026-03-15T20:59:00Z', plans: [plan('database-full')] });
    t.run.auto = undefined;
    t.scheduler.start();
    await t.walk(2 * 60_000);
    assert.equal(t.run.calls.length, 1);
    await t.scheduler.stop();
    assert.equal(t.run.calls[0]?.ctx.signal.aborted, true);
    assert.equal(t.runs('database-full')[0]?.outcome, 'cancelled');
    await t.walk(24 * 60 * 60_000, 60 * 60_000);
    assert.equal(t.run.calls.length, 1, 'nothing runs after stop');
  });

  it('disabled plans do not run; schema-change triggers the schema plan on demand', async () => {
    const t = setup({
      start: '2026-03-15T20:59:00Z',
      plans: [plan('database-full', { enabled: false }), plan('database-schema')],
    });
    t.scheduler.start();
    await t.walk(3 * 60_000);
    assert.deepEqual(
      t.run.calls.map((c) => c.plan),
      ['database-schema'],
      'only the 15-minute schema check at 21:00',
    );
    t.scheduler.schemaChanged();
    await settle();
    assert.equal(t.run.calls.at(-1)?.ctx.trigger, 'schema-change');
    const status = t.scheduler.status();
    assert.equal(status.find((s) => s.planId === 'database-full')?.nextRun, undefined);
    assert.equal(
      status.find((s) => s.planId === 'database-schema')?.nextRun?.toISOString(),
      '2026-03-15T21:15:00.000Z',
    );
    await t.scheduler.stop();
  });
});
