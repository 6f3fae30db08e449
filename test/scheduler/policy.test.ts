import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/main/platform/errors.js';
import {
  DEFAULT_PLANS,
  defaultPlans,
  describeRetention,
  type Plan,
  validatePlan,
} from '../../src/main/scheduler/policy.js';
import {
  addMonths,
  type RestoreTestRecord,
  restoreTestCompliance,
} from '../../src/main/scheduler/restore-tests.js';

describe('default policy (seed "Backup Schedule" table)', () => {
  const rows = DEFAULT_PLANS.map((p) => ({
    name: p.name,
    cron: p.cron,
    tz: p.timeZone,
    keep: describeRetention(p.retention),
    target: p.target,
    components: p.components.join(','),
  }));
  it('has exactly the five seed plans with their times, retention, storage and components', () => {
    assert.deepEqual(rows, [
      {
        name: 'Database Full Backup',
        cron: '0 0 * * *',
        tz: 'Africa/Nairobi',
        keep: '30 days',
        target: 'primary',
        components: 'database',
      },
      {
        name: 'Incremental Backup',
        cron: '0 */4 * * *',
        tz: 'Africa/Nairobi',
        keep: '7 days',
        target: 'primary',
        components: 'database',
      },
      {
        name: 'File System Backup',
        cron: '0 1 * * *',
        tz: 'Africa/Nairobi',
        keep: '30 days',
        target: 'primary',
        components: 'files',
      },
      {
        name: 'Complete System Backup',
        cron: '0 2 * * 0',
        tz: 'Africa/Nairobi',
        keep: '12 weeks',
        target: 'secondary',
        components: 'database,files,config',
      },
      {
        name: 'Database Schema Backup',
        cron: '*/15 * * * *',
        tz: 'Africa/Nairobi',
        keep: 'indefinitely',
        target: 'git',
        components: 'database',
      },
    ]);
  });
  it('labels the incremental plan as deduplicated against the previous snapshot', () => {
    assert.match(DEFAULT_PLANS[1]?.description ?? '', /deduplicated against the previous snapshot/);
  });
  it('schema backups trigger on schema change and do not report missed periodic checks', () => {
    const s = DEFAULT_PLANS[4];
    assert.equal(s?.trigger, 'schema-change');
    assert.equal(s?.reportMissed, false);
  });
  it('every default plan validates', () => {
    for (const p of defaultPlans()) validatePlan(p);
  });
});

describe('validatePlan', () => {
  const good = (): Plan => defaultPlans()[0] as Plan;
  const bad: { name: string; change: Partial<Plan>; message: RegExp }[] = [
    { name: 'invalid cron', change: { cron: '61 * * * *' }, message: /not a valid cron expression.*minute/ },
    { name: 'six-field cron', change: { cron: '0 0 0 * * *' }, message: /not a valid cron expression/ },
    { name: 'garbage cron', change: { cron: 'every day' }, message: /"every day" is not a valid cron/ },
    {
      name: 'unknown time zone',
      change: { timeZone: 'Africa/Narnia' },
      message: /unknown time zone "Africa\/Narnia"/,
    },
    { name: 'empty components', change: { components: [] }, message: /backs up nothing/ },
    {
      name: 'two retention rules',
      change: { retention: { keepWithinDays: 3, keepWeeks: 2 } as never },
      message: /exactly one/,
    },
    { name: 'bad retry', change: { retry: { attempts: -1, backoffMinutes: 5 } }, message: /retry/ },
  ];
  for (const b of bad) {
    it(`rejects ${b.name} with INVALID_INPUT naming the plan`, () => {
      assert.throws(
        () => validatePlan({ ...good(), ...b.change }),
        (e: unknown) =>
          isAppError(e, 'INVALID_INPUT') &&
          b.message.test(e.message) &&
          /Database Full Backup/.test(e.message) &&
          !!e.hint,
      );
    });
  }
});

describe('restore-test cadences and compliance', () => {
  const now = new Date('2026-03-16T09:00:00Z');
  const rec = (
    kind: RestoreTestRecord['kind'],
    time: string,
    outcome: RestoreTestRecord['outcome'] = 'passed',
  ) => ({
    kind,
    time: new Date(time),
    outcome,
  });

  it('never tested: every kind is overdue with status "never"', () => {
    const c = restoreTestCompliance([], now);
    assert.deepEqual(
      c.map((x) => [x.kind, x.status, x.overdue]),
      [
        ['database', 'never', true],
        ['partial', 'never', true],
        ['full', 'never', true],
      ],
    );
  });

  it('computes last pass, next due and overdue per cadence; failures do not count as passes', () => {
    const c = restoreTestCompliance(
      [
        rec('database', '2026-03-05T09:00:00Z'),
        rec('database', '2026-03-12T09:00:00Z', 'failed'),
        rec('partial', '2026-03-01T09:00:00Z', 'passed-with-issues'),
        rec('full', '2025-12-31T09:00:00Z'),
      ],
      now,
    );
    const [db, partial, full] = c;
    assert.equal(db?.lastPass?.toISOString(), '2026-03-05T09:00:00.000Z');
    assert.equal(db?.lastOutcome, 'failed');
    assert.equal(db?.nextDue?.toISOString(), '2026-03-12T09:00:00.000Z');
    assert.equal(db?.overdue, true);
    assert.equal(db?.daysOverdue, 4);
    assert.equal(partial?.nextDue?.toISOString(), '2026-04-01T09:00:00.000Z');
    assert.equal(partial?.status, 'ok');
    // Dec 31 + 3 months = Mar 31 (quarterly), not yet due on Mar 16.
    assert.equal(full?.nextDue?.toISOString(), '2026-03-31T09:00:00.000Z');
    assert.equal(full?.overdue, false);
  });

  it('adds calendar months in EAT, clamping to the month end (Jan 31 + 1 month = Feb 28/29)', () => {
    // 2026-01-31 00:30 EAT = 2026-01-30T21:30Z
    assert.equal(addMonths(new Date('2026-01-30T21:30:00Z'), 1).toISOString(), '2026-02-27T21:30:00.000Z');
    assert.equal(addMonths(new Date('2028-01-30T21:30:00Z'), 1).toISOString(), '2028-02-28T21:30:00.000Z');
    assert.equal(addMonths(new Date('2026-11-30T10:00:00Z'), 3).toISOString(), '2027-02-28T10:00:00.000Z');
  });

  it('due within two days is "due-soon"', () => {
    const c = restoreTestCompliance([rec('database', '2026-03-10T10:00:00Z')], now);
    assert.equal(c[0]?.status, 'due-soon');
  });
});
