import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openCatalog } from '../../src/main/catalog/db.js';
import { JobStore, PlanRunStore } from '../../src/main/catalog/jobs.js';
import { type JobEventName, JobManager } from '../../src/main/host/jobs/index.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { AppError, throwIfAborted } from '../../src/main/platform/errors.js';
import { defaultPlans } from '../../src/main/scheduler/policy.js';
import { Scheduler } from '../../src/main/scheduler/scheduler.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function setup(start = '2026-03-16T06:00:00Z') {
  const clock = new FakeClock(start);
  const db = openCatalog(':memory:', { clock });
  const store = new JobStore(db);
  const events: { name: JobEventName; payload: Record<string, unknown> }[] = [];
  const make = () =>
    new JobManager({ store, clock, emit: (name, payload) => events.push({ name, payload: { ...payload } }) });
  return { clock, db, store, events, jobs: make(), make };
}

/** A controllable piece of work (a test double for an engine operation). */
function gate<T>() {
  let open: (v: T) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const p = new Promise<T>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { p, open, fail };
}

describe('JobManager', () => {
  it('runs a job through queued -> running -> succeeded with clock times, result, persisted log', async () => {
    const t = setup();
    const g = gate<void>();
    const job = t.jobs.start(
      'backup',
      'Manual backup',
      async (ctx) => {
        ctx.log('info', 'Dumping database app');
        await g.p;
        ctx.log('warn', 'Table audit changed during dump');
        return { snapshotId: 'abc123', files: 12, nested: { skipped: true } };
      },
      { startedBy: 'admin', targetId: 'primary' },
    );
    assert.equal(job.state, 'running', 'a free lane starts the job at once');
    await settle();
    assert.equal(t.jobs.get(job.id)?.state, 'running');
    t.clock.advance(90_000);
    g.open();
    const done = await t.jobs.wait(job.id);
    assert.equal(done.state, 'succeeded');
    assert.equal(done.createdAt, '2026-03-16T06:00:00.000Z');
    assert.equal(done.finishedAt, '2026-03-16T06:01:30.000Z');
    assert.deepEqual(done.result, { snapshotId: 'abc123', files: 12 });
    assert.equal(done.warnings, 1);
    // Persisted: a fresh store over the same database sees it all.
    const again = new JobStore(t.db);
    assert.equal(again.get(job.id)?.state, 'succeeded');
    assert.deepEqual(
      again.logs(job.id).map((l) => [l.seq, l.level, l.message]),
      [
        [1, 'info', 'Dumping database app'],
        [2, 'warn', 'Table audit changed during dump'],
      ],
    );
    assert.deepEqual(
      t.events.filter((e) => e.name === 'job.state').map((e) => e.payload.state),
      ['queued', 'running', 'succeeded'],
    );
    const text = t.jobs.exportLog(job.id);
    assert.match(text, /Job .*: Manual backup/);
    assert.match(text, /Created: 2026-03-16 09:00:00 EAT \(UTC\+03:00\)/);
    assert.match(text, /2026-03-16 09:01:30 EAT \(UTC\+03:00\) {2}WARN {3}Table audit changed/);
  });

  it('cancel: running job goes cancelling, then cancelled when the work rejects with CANCELLED', async () => {
    const t = setup();
    let seen: AbortSignal | undefined;
    const job = t.jobs.start('restore', 'Restore to staging', (ctx) => {
      seen = ctx.signal;
      return new Promise((_res, rej) => {
        ctx.signal.addEventListener('abort', () =>
          setImmediate(() => rej(new AppError('CANCELLED', 'stopped'))),
        );
      });
    });
    await settle();
    const c = t.jobs.cancel(job.id);
    assert.equal(c.state, 'cancelling');
    assert.equal(seen?.aborted, true);
    const done = await t.jobs.wait(job.id);
    assert.equal(done.state, 'cancelled');
    assert.deepEqual(
      t.events.filter((e) => e.name === 'job.state').map((e) => e.payload.state),
      ['queued', 'running', 'cancelling', 'cancelled'],
    );
  });

  it('one backup at a time per repository; other repositories and restores run alongside', async () => {
    const t = setup();
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate<void>>>();
    const work = (name: string) => async () => {
      order.push(`start ${name}`);
      const g = gate<void>();
      gates.set(name, g);
      await g.p;
      order.push(`end ${name}`);
    };
    const a = t.jobs.start('backup', 'A', work('A'), { repository: 'r1' });
    const b = t.jobs.start('backup', 'B', work('B'), { repository: 'r1' });
    const p = t.jobs.start('prune', 'P', work('P'), { repository: 'r1' });
    const c = t.jobs.start('backup', 'C', work('C'), { repository: 'r2' });
    const r = t.jobs.start('restore', 'R', work('R'), { repository: 'r1' });
    await settle();
    assert.deepEqual(order, ['start A', 'start C', 'start R']);
    assert.equal(t.jobs.get(b.id)?.state, 'queued');
    // A queued job can be cancelled without ever running.
    assert.equal(t.jobs.cancel(p.id).state, 'cancelled');
    gates.get('A')?.open();
    await t.jobs.wait(a.id);
    await settle();
    assert.equal(t.jobs.get(b.id)?.state, 'running');
    for (const n of ['B', 'C', 'R']) gates.get(n)?.open();
    await Promise.all([b, c, r].map((j) => t.jobs.wait(j.id)));
    assert.ok(!order.includes('start P'));
  });

  it('throttles job.progress by clock time but always delivers the last snapshot', async () => {
    const t = setup();
    const job = t.jobs.start('backup', 'Progress', async (ctx) => {
      for (let i = 1; i <= 100; i++) {
        ctx.progress.update({
          phase: 'upload',
          bytesDone: i * 1000,
          bytesTotal: 100_000,
          filesDone: i,
          rate: 1000,
        });
      }
      t.clock.advance(1000);
      ctx.progress.update({ phase: 'upload', bytesDone: 100_500, filesDone: 100, rate: 1000 });
      ctx.progress.update({
        phase: 'upload',
        bytesDone: 101_000,
        filesDone: 101,
        rate: 1000,
        current: 'db/x',
      });
    });
    const done = await t.jobs.wait(job.id);
    const ps = t.events.filter((e) => e.name === 'job.progress').map((e) => e.payload.bytesDone);
    assert.deepEqual(ps, [1000, 100_500, 101_000]);
    assert.equal(done.progress?.bytesDone, 101_000);
    assert.equal(t.store.get(job.id)?.progress?.current, 'db/x');
    const p0 = t.events.find((e) => e.name === 'job.progress')?.payload;
    assert.deepEqual(Object.keys(p0 ?? {}).sort(), [
      'bytesDone',
      'bytesTotal',
      'filesDone',
      'jobId',
      'phase',
      'rate',
    ]);
  });

  it('failures keep code, message, hint; unexpected errors do not leak their text; secrets are redacted', async () => {
    const t = setup();
    const j1 = t.jobs.start('backup', 'Fails', async (ctx) => {
      ctx.log('info', 'connecting to postgres://backup:Sup3rS3cret@db:5432/app with PGPASSWORD=Sup3rS3cret');
      throw new AppError('SOURCE_FAILED', 'pg_dump of database app failed (exit 1).', {
        hint: 'Check the server log.',
      });
    });
    const j2 = t.jobs.start('check', 'Bug', async () => {
      throw new TypeError('x is undefined password=hunter2');
    });
    const f1 = await t.jobs.wait(j1.id);
    const f2 = await t.jobs.wait(j2.id);
    assert.deepEqual(f1.error, {
      code: 'SOURCE_FAILED',
      message: 'pg_dump of database app failed (exit 1).',
      hint: 'Check the server log.',
    });
    assert.equal(f2.error?.code, 'INTERNAL');
    assert.doesNotMatch(f2.error?.message ?? '', /hunter2|undefined/);
    const all = [...t.store.logs(j1.id), ...t.store.logs(j2.id)].map((l) => l.message).join('\n');
    assert.doesNotMatch(all, /Sup3rS3cret|hunter2/);
    assert.match(all, /postgres:\/\/backup:\*\*\*@db:5432\/app/);
    assert.doesNotMatch(t.jobs.exportLog(j1.id), /Sup3rS3cret/);
    assert.doesNotMatch(JSON.stringify(t.events), /Sup3rS3cret|hunter2/);
  });

  it('jobs running when the process died are marked failed (interrupted) at start', async () => {
    const t = setup();
    const g = gate<void>();
    const running = t.jobs.start('backup', 'Long backup', async (ctx) => {
      await g.p;
      throwIfAborted(ctx.signal);
    });
    const queued = t.jobs.start('backup', 'Waiting backup', async () => {});
    await settle();
    assert.equal(t.store.get(running.id)?.state, 'running');
    // "Crash": a new manager over the same catalog, the old one's work never finishes.
    t.clock.advance(3_600_000);
    const fresh = t.make();
    for (const id of [running.id, queued.id]) {
      const j = fresh.require(id);
      assert.equal(j.state, 'failed');
      assert.match(j.error?.message ?? '', /^Interrupted/);
      assert.equal(j.finishedAt, '2026-03-16T07:00:00.000Z');
    }
    assert.match(fresh.logs(running.id).at(-1)?.message ?? '', /Interrupted/);
  });

  it('lists newest first and filters by state, kind and plan', async () => {
    const t = setup();
    const a = t.jobs.start('backup', 'a', async () => {}, { planId: 'database-full' });
    t.clock.advance(1000);
    const b = t.jobs.start('prune', 'b', async () => {});
    await t.jobs.idle();
    assert.deepEqual(
      t.jobs.list().map((j) => j.id),
      [b.id, a.id],
    );
    assert.deepEqual(
      t.jobs.list({ planId: 'database-full' }).map((j) => j.id),
      [a.id],
    );
    assert.deepEqual(
      t.jobs.list({ kind: 'prune', state: 'succeeded' }).map((j) => j.id),
      [b.id],
    );
  });
});

describe('Scheduler + JobManager', () => {
  it('a scheduled run is a job of kind backup with its plan id, linked from the plan run', async () => {
    const t = setup('2026-03-15T20:59:30Z');
    const history = new PlanRunStore(t.db);
    const full = defaultPlans()[0];
    assert.ok(full);
    const scheduler = new Scheduler({
      clock: t.clock,
      plans: () => [full],
      history,
      jobs: t.jobs,
      // FAKE runPlan (test double for the lead's backup + retention):
      runPlan: async (_plan, ctx) => {
        ctx.progress.update({ phase: 'upload', bytesDone: 10, filesDone: 1, rate: 5 });
        ctx.log('info', 'backing up');
        return { ok: true, summary: 'snapshot 5e1f', snapshotId: '5e1f' };
      },
    });
    scheduler.start();
    t.clock.advance(30_000);
    await settle();
    await scheduler.idle();
    const [run] = history.list('database-full');
    assert.equal(run?.outcome, 'succeeded');
    assert.ok(run?.jobId);
    const job = t.jobs.require(run.jobId);
    assert.equal(job.kind, 'backup');
    assert.equal(job.planId, 'database-full');
    assert.equal(job.state, 'succeeded');
    assert.equal(job.title, 'Database Full Backup (scheduled 2026-03-16 00:00 EAT (UTC+03:00))');
    assert.deepEqual(job.result, { ok: true, summary: 'snapshot 5e1f', snapshotId: '5e1f' });
    assert.deepEqual(
      t.jobs.logs(job.id).map((l) => l.message),
      ['backing up'],
    );
    await scheduler.stop();
  });
});
