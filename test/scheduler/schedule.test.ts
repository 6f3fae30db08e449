import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/main/platform/clock.js';
import { DEFAULT_PLANS, type Plan } from '../../src/main/scheduler/policy.js';
import { dueRuns, missedRunDecision, nextRun, nextRuns } from '../../src/main/scheduler/schedule.js';
import { formatZoned } from '../../src/main/scheduler/time-format.js';

const plan = (cron: string, timeZone = 'Africa/Nairobi', extra: Partial<Plan> = {}) => ({
  name: 'test',
  cron,
  timeZone,
  missedRunWindowHours: 24,
  ...extra,
});
const iso = (d: Date | undefined) => d?.toISOString();
const byId = (id: string) => {
  const p = DEFAULT_PLANS.find((x) => x.id === id);
  assert.ok(p, id);
  return p;
};

describe('nextRun (time comes from a FakeClock)', () => {
  const table: { name: string; cron: string; tz: string; now: string; expect: string[] }[] = [
    {
      name: '00:00 EAT is 21:00 UTC the previous day',
      cron: '0 0 * * *',
      tz: 'Africa/Nairobi',
      now: '2026-03-15T12:00:00Z',
      expect: ['2026-03-15T21:00:00.000Z', '2026-03-16T21:00:00.000Z'],
    },
    {
      name: '00:00 UTC is not 00:00 EAT',
      cron: '0 0 * * *',
      tz: 'UTC',
      now: '2026-03-15T12:00:00Z',
      expect: ['2026-03-16T00:00:00.000Z'],
    },
    {
      name: 'month end: Jan 31 -> Feb 1 (EAT midnight)',
      cron: '0 0 * * *',
      tz: 'Africa/Nairobi',
      now: '2026-01-30T21:00:00Z',
      expect: ['2026-01-31T21:00:00.000Z', '2026-02-01T21:00:00.000Z'],
    },
    {
      name: 'Feb 28 -> Mar 1 in a common year (2027)',
      cron: '0 0 * * *',
      tz: 'Africa/Nairobi',
      now: '2027-02-27T21:00:00Z',
      expect: ['2027-02-28T21:00:00.000Z'],
    },
    {
      name: 'leap year 2028: Feb 28 -> Feb 29 -> Mar 1',
      cron: '0 0 * * *',
      tz: 'Africa/Nairobi',
      now: '2028-02-27T21:00:00Z',
      expect: ['2028-02-28T21:00:00.000Z', '2028-02-29T21:00:00.000Z'],
    },
    {
      name: 'year end in EAT: Dec 31 -> Jan 1 midnight is 21:00 UTC on Dec 31',
      cron: '0 0 * * *',
      tz: 'Africa/Nairobi',
      now: '2026-12-31T12:00:00Z',
      expect: ['2026-12-31T21:00:00.000Z', '2027-01-01T21:00:00.000Z'],
    },
    {
      name: 'year end in New York: Jan 1 midnight is 05:00 UTC on Jan 1',
      cron: '0 0 * * *',
      tz: 'America/New_York',
      now: '2026-12-31T12:00:00Z',
      expect: ['2027-01-01T05:00:00.000Z'],
    },
    {
      name: 'every 4 hours in EAT: 00,04,08,... local',
      cron: '0 */4 * * *',
      tz: 'Africa/Nairobi',
      now: '2026-03-15T12:30:00Z',
      expect: ['2026-03-15T13:00:00.000Z', '2026-03-15T17:00:00.000Z', '2026-03-15T21:00:00.000Z'],
    },
    {
      name: 'weekly Sunday 02:00 EAT is Saturday 23:00 UTC',
      cron: '0 2 * * 0',
      tz: 'Africa/Nairobi',
      now: '2026-03-11T00:00:00Z',
      expect: ['2026-03-14T23:00:00.000Z', '2026-03-21T23:00:00.000Z'],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const clock = new FakeClock(c.now);
      assert.deepEqual(nextRuns(plan(c.cron, c.tz), clock.now(), c.expect.length).map(iso), c.expect);
    });
  }

  it('is strictly after the given time (a run at 00:00 does not find itself)', () => {
    assert.equal(
      iso(nextRun(plan('0 0 * * *'), new Date('2026-03-15T21:00:00Z'))),
      '2026-03-16T21:00:00.000Z',
    );
  });

  it('the default plans fire at their seed times in EAT', () => {
    const from = new Date('2026-03-14T12:00:00Z'); // Saturday 15:00 EAT
    const at = (id: string) => formatZoned(nextRun(byId(id), from) ?? new Date(0), 'Africa/Nairobi');
    assert.equal(at('database-full'), '2026-03-15 00:00 EAT (UTC+03:00)');
    assert.equal(at('incremental'), '2026-03-14 16:00 EAT (UTC+03:00)');
    assert.equal(at('file-system'), '2026-03-15 01:00 EAT (UTC+03:00)');
    assert.equal(at('complete-system'), '2026-03-15 02:00 EAT (UTC+03:00)');
    assert.equal(at('database-schema'), '2026-03-14 15:15 EAT (UTC+03:00)');
  });
});

describe('DST: a 01:30 (London) / 02:30 (New York) job runs exactly once on change days', () => {
  const table: { name: string; cron: string; tz: string; from: string; to: string; expect: string[] }[] = [
    {
      // 2027-03-28 01:00 GMT -> 02:00 BST: 01:30 does not exist; it runs once, at 02:30 BST.
      name: 'Europe/London spring forward',
      cron: '30 1 * * *',
      tz: 'Europe/London',
      from: '2027-03-27T12:00:00Z',
      to: '2027-03-28T23:00:00Z',
      expect: ['2027-03-28T01:30:00.000Z'],
    },
    {
      // 2026-10-25 02:00 BST -> 01:00 GMT: 01:30 happens twice; it runs once (the first).
      name: 'Europe/London fall back',
      cron: '30 1 * * *',
      tz: 'Europe/London',
      from: '2026-10-24T12:00:00Z',
      to: '2026-10-25T23:00:00Z',
      expect: ['2026-10-25T00:30:00.000Z'],
    },
    {
      name: 'America/New_York spring forward (02:30 does not exist)',
      cron: '30 2 * * *',
      tz: 'America/New_York',
      from: '2026-03-07T12:00:00Z',
      to: '2026-03-08T23:00:00Z',
      expect: ['2026-03-08T07:30:00.000Z'],
    },
    {
      name: 'America/New_York fall back (01:30 happens twice)',
      cron: '30 1 * * *',
      tz: 'America/New_York',
      from: '2026-10-31T12:00:00Z',
      to: '2026-11-01T23:00:00Z',
      expect: ['2026-11-01T05:30:00.000Z'],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const due = dueRuns(plan(c.cron, c.tz), new Date(c.from), new Date(c.to));
      assert.deepEqual(due.map(iso), c.expect);
    });
  }
});

describe('dueRuns and missedRunDecision', () => {
  const p = plan('0 */4 * * *', 'Africa/Nairobi', { missedRunWindowHours: 24 });

  it('nothing due: nothing to run, nothing missed', () => {
    const now = new Date('2026-03-15T12:30:00Z');
    const due = dueRuns(p, new Date('2026-03-15T09:00:00Z'), now);
    assert.deepEqual(due, Object.assign([], { omitted: 0 }));
    assert.deepEqual(missedRunDecision(p, due, now), { missed: [] });
  });

  it('on time (woke at the due minute): runs, not late', () => {
    const now = new Date('2026-03-15T13:00:30Z');
    const due = dueRuns(p, new Date('2026-03-15T09:00:00Z'), now);
    const d = missedRunDecision(p, due, now);
    assert.equal(iso(d.run?.scheduledFor), '2026-03-15T13:00:00.000Z');
    assert.equal(d.run?.late, false);
    assert.deepEqual(d.missed, []);
  });

  it('slept across several due times: one catch-up run (late), older ones missed', () => {
    const last = new Date('2026-03-15T09:00:00Z');
    const now = new Date('2026-03-16T03:10:00Z'); // 18 h asleep: due 13,17,21,01 UTC
    const due = dueRuns(p, last, now);
    assert.deepEqual(due.map(iso), [
      '2026-03-15T13:00:00.000Z',
      '2026-03-15T17:00:00.000Z',
      '2026-03-15T21:00:00.000Z',
      '2026-03-16T01:00:00.000Z',
    ]);
    const d = missedRunDecision(p, due, now);
    assert.equal(iso(d.run?.scheduledFor), '2026-03-16T01:00:00.000Z');
    assert.equal(d.run?.late, true);
    assert.equal(d.run?.latenessMs, 130 * 60_000);
    assert.deepEqual(d.missed.map(iso), due.slice(0, 3).map(iso));
  });

  it('off for longer than the window: everything missed, nothing run', () => {
    const q = { ...p, missedRunWindowHours: 1 };
    const now = new Date('2026-03-16T03:10:00Z');
    const due = dueRuns(q, new Date('2026-03-15T09:00:00Z'), now);
    const d = missedRunDecision(q, due, now);
    assert.equal(d.run, undefined);
    assert.equal(d.missed.length, 4);
  });

  it('a very long outage keeps only the latest `limit` due times and counts the rest', () => {
    const due = dueRuns(
      plan('*/15 * * * *'),
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-02-01T00:00:00Z'),
      10,
    );
    assert.equal(due.length, 10);
    assert.equal(due.omitted, 31 * 96 - 10);
    assert.equal(iso(due.at(-1)), '2026-02-01T00:00:00.000Z');
  });
});
