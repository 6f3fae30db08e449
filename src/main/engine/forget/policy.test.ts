import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../platform/errors.js';
import { applyRetention, isoWeekKey, parseDuration, type RetentionPolicy, validatePolicy } from './policy.js';

interface Snap {
  id: string;
  time: string;
  tags: string[];
}

const snap = (time: string, tags: string[] = []): Snap => ({ id: time, time, tags });
const NOW = new Date('2024-06-30T12:00:00Z');

/** The ids kept, newest first. */
function kept(times: string[], policy: RetentionPolicy, tz = 'UTC', now = NOW): string[] {
  return applyRetention(
    times.map((t) => snap(t)),
    policy,
    now,
    tz,
  )
    .filter((d) => d.keep)
    .map((d) => d.snapshot.id);
}

const invalidInput = (e: unknown) => isAppError(e, 'INVALID_INPUT');

describe('applyRetention: calendar buckets in a time zone', () => {
  const cases: { name: string; times: string[]; policy: RetentionPolicy; tz: string; keep: string[] }[] = [
    {
      name: 'daily, UTC: 20:30Z, 21:30Z, 22:30Z are one UTC day',
      times: ['2024-03-10T20:30:00Z', '2024-03-10T21:30:00Z', '2024-03-10T22:30:00Z'],
      policy: { keepDaily: 10 },
      tz: 'UTC',
      keep: ['2024-03-10T22:30:00Z'],
    },
    {
      name: 'daily, Nairobi: 20:30Z is 23:30 EAT on the 10th, 21:30Z/22:30Z are 00:30/01:30 EAT on the 11th',
      times: ['2024-03-10T20:30:00Z', '2024-03-10T21:30:00Z', '2024-03-10T22:30:00Z'],
      policy: { keepDaily: 10 },
      tz: 'Africa/Nairobi',
      keep: ['2024-03-10T22:30:00Z', '2024-03-10T20:30:00Z'],
    },
    {
      name: 'daily, Nairobi: only the 2 newest days when keepDaily is 2',
      times: ['2024-03-09T12:00:00Z', '2024-03-10T20:30:00Z', '2024-03-10T21:30:00Z'],
      policy: { keepDaily: 2 },
      tz: 'Africa/Nairobi',
      keep: ['2024-03-10T21:30:00Z', '2024-03-10T20:30:00Z'],
    },
    {
      name: 'monthly, UTC: 31 Jan 20:00Z and 21:30Z are both January',
      times: ['2024-01-31T20:00:00Z', '2024-01-31T21:30:00Z'],
      policy: { keepMonthly: 5 },
      tz: 'UTC',
      keep: ['2024-01-31T21:30:00Z'],
    },
    {
      name: 'monthly, Nairobi: 31 Jan 21:30Z is 1 Feb 00:30 EAT',
      times: ['2024-01-31T20:00:00Z', '2024-01-31T21:30:00Z'],
      policy: { keepMonthly: 5 },
      tz: 'Africa/Nairobi',
      keep: ['2024-01-31T21:30:00Z', '2024-01-31T20:00:00Z'],
    },
    {
      name: 'monthly: leap day 29 Feb and 1 Mar are different months',
      times: ['2024-02-28T10:00:00Z', '2024-02-29T10:00:00Z', '2024-03-01T10:00:00Z'],
      policy: { keepMonthly: 5 },
      tz: 'UTC',
      keep: ['2024-03-01T10:00:00Z', '2024-02-29T10:00:00Z'],
    },
    {
      name: 'yearly, Nairobi: 31 Dec 21:00Z is already 2024 in EAT',
      times: ['2023-12-31T20:59:59Z', '2023-12-31T21:00:00Z'],
      policy: { keepYearly: 3 },
      tz: 'Africa/Nairobi',
      keep: ['2023-12-31T21:00:00Z', '2023-12-31T20:59:59Z'],
    },
    {
      name: 'yearly, UTC: the same two instants are one year',
      times: ['2023-12-31T20:59:59Z', '2023-12-31T21:00:00Z'],
      policy: { keepYearly: 3 },
      tz: 'UTC',
      keep: ['2023-12-31T21:00:00Z'],
    },
    {
      name: 'weekly across a year boundary: Mon 28 Dec 2020 and Sun 3 Jan 2021 are both 2020-W53',
      times: ['2020-12-28T10:00:00Z', '2021-01-03T10:00:00Z', '2021-01-04T10:00:00Z'],
      policy: { keepWeekly: 10 },
      tz: 'UTC',
      keep: ['2021-01-04T10:00:00Z', '2021-01-03T10:00:00Z'],
    },
    {
      name: 'weekly, Nairobi: Sun 3 Jan 2021 21:30Z is Monday 00:30 EAT (2021-W01)',
      times: ['2021-01-03T10:00:00Z', '2021-01-03T21:30:00Z', '2021-01-04T10:00:00Z'],
      policy: { keepWeekly: 10 },
      tz: 'Africa/Nairobi',
      keep: ['2021-01-04T10:00:00Z', '2021-01-03T10:00:00Z'],
    },
    {
      name: 'hourly counts the newest n hours that have a snapshot',
      times: ['2024-06-01T10:05:00Z', '2024-06-01T10:55:00Z', '2024-06-01T12:10:00Z', '2024-06-01T13:00:00Z'],
      policy: { keepHourly: 2 },
      tz: 'UTC',
      keep: ['2024-06-01T13:00:00Z', '2024-06-01T12:10:00Z'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(kept(c.times, c.policy, c.tz), c.keep));
  }

  it('computes ISO weeks across year boundaries', () => {
    assert.equal(isoWeekKey(2020, 12, 31), 202053);
    assert.equal(isoWeekKey(2021, 1, 3), 202053);
    assert.equal(isoWeekKey(2021, 1, 4), 202101);
    assert.equal(isoWeekKey(2024, 12, 30), 202501);
    assert.equal(isoWeekKey(2027, 1, 1), 202653);
  });
});

describe('applyRetention: keepWithin', () => {
  it("'30d' keeps what is strictly newer than now - 30 days", () => {
    const times = ['2024-05-31T12:00:00.000Z', '2024-05-31T12:00:00.001Z', '2024-05-31T11:59:59.999Z'];
    assert.deepEqual(kept(times, { keepWithin: '30d' }), ['2024-05-31T12:00:00.001Z']);
  });

  it("'12w' is 84 days, boundary excluded", () => {
    const times = ['2024-04-07T12:00:00.000Z', '2024-04-07T12:00:01.000Z'];
    assert.deepEqual(kept(times, { keepWithin: '12w' }, 'Africa/Nairobi'), ['2024-04-07T12:00:01.000Z']);
  });

  it("'36h' and '2y'", () => {
    assert.deepEqual(kept(['2024-06-29T00:00:00Z', '2024-06-29T00:00:01Z'], { keepWithin: '36h' }), [
      '2024-06-29T00:00:01Z',
    ]);
    assert.deepEqual(kept(['2022-06-30T12:00:00Z', '2022-06-30T12:00:01Z'], { keepWithin: '2y' }), [
      '2022-06-30T12:00:01Z',
    ]);
  });

  it("months are calendar months, overflowing like Go's AddDate (31 Mar 2023 - 1m = 3 Mar)", () => {
    const now = new Date('2023-03-31T12:00:00Z');
    const times = ['2023-03-03T11:59:59Z', '2023-03-03T12:00:01Z'];
    assert.deepEqual(kept(times, { keepWithin: '1m' }, 'UTC', now), ['2023-03-03T12:00:01Z']);
  });

  it('days are wall-clock days in the zone (23 h across the spring DST change), hours are elapsed', () => {
    const now = new Date('2024-03-31T10:00:00Z'); // 12:00 CEST; a day earlier is 12:00 CET = 11:00Z
    const times = ['2024-03-30T10:30:00Z', '2024-03-30T11:00:01Z'];
    assert.deepEqual(kept(times, { keepWithin: '1d' }, 'Europe/Berlin', now), ['2024-03-30T11:00:01Z']);
    assert.deepEqual(kept(times, { keepWithin: '24h' }, 'Europe/Berlin', now), times.slice().reverse());
  });

  it('keepWithinDaily keeps the newest snapshot of each day in the range', () => {
    const times = [
      '2024-06-20T08:00:00Z', // outside 7d
      '2024-06-25T08:00:00Z',
      '2024-06-25T18:00:00Z',
      '2024-06-29T21:30:00Z', // 30 June 00:30 EAT
      '2024-06-30T06:00:00Z',
    ];
    const d = applyRetention(
      times.map((t) => snap(t)),
      { keepWithinDaily: '7d' },
      NOW,
      'Africa/Nairobi',
    );
    assert.deepEqual(
      d.map((x) => [x.snapshot.id, x.reasons]),
      [
        ['2024-06-30T06:00:00Z', ['daily within 7d']],
        ['2024-06-29T21:30:00Z', []],
        ['2024-06-25T18:00:00Z', ['daily within 7d']],
        ['2024-06-25T08:00:00Z', []],
        ['2024-06-20T08:00:00Z', []],
      ],
    );
  });
});

describe('applyRetention: tags, combinations, reasons', () => {
  it('keepTags keeps snapshots carrying every tag of an entry', () => {
    const snaps = [
      snap('2024-06-01T00:00:00Z', ['a']),
      snap('2024-06-02T00:00:00Z', ['a', 'b']),
      snap('2024-06-03T00:00:00Z', ['archive']),
      snap('2024-06-04T00:00:00Z', []),
    ];
    const d = applyRetention(snaps, { keepTags: ['archive', 'a,b'] }, NOW, 'UTC');
    assert.deepEqual(
      d.map((x) => [x.snapshot.id.slice(0, 10), x.keep, x.reasons]),
      [
        ['2024-06-04', false, []],
        ['2024-06-03', true, ['has tags [archive]']],
        ['2024-06-02', true, ['has tags [a, b]']],
        ['2024-06-01', false, []],
      ],
    );
  });

  it('combines rules and lists every reason in restic order, newest first', () => {
    const times = [
      '2024-06-27T09:00:00Z',
      '2024-06-28T09:00:00Z',
      '2024-06-28T15:00:00Z',
      '2024-06-29T09:00:00Z',
      '2024-06-30T09:00:00Z',
    ];
    const snaps = times.map((t, i) => snap(t, i === 0 ? ['keep'] : []));
    const d = applyRetention(
      snaps,
      { keepLast: 2, keepDaily: 3, keepWeekly: 1, keepWithin: '1d', keepTags: ['keep'] },
      NOW,
      'UTC',
    );
    assert.deepEqual(
      d.map((x) => [x.snapshot.id.slice(5, 13), x.reasons]),
      [
        ['06-30T09', ['within 1d', 'last snapshot', 'daily snapshot', 'weekly snapshot']],
        ['06-29T09', ['last snapshot', 'daily snapshot']],
        ['06-28T15', ['daily snapshot']],
        ['06-28T09', []],
        ['06-27T09', ['has tags [keep]']],
      ],
    );
  });

  it('an empty policy keeps everything with reason "no policy"', () => {
    for (const policy of [{}, { keepDaily: 0, keepTags: [] }]) {
      const d = applyRetention(
        [snap('2024-01-01T00:00:00Z'), snap('2024-02-01T00:00:00Z')],
        policy,
        NOW,
        'UTC',
      );
      assert.deepEqual(
        d.map((x) => [x.snapshot.id, x.keep, x.reasons]),
        [
          ['2024-02-01T00:00:00Z', true, ['no policy']],
          ['2024-01-01T00:00:00Z', true, ['no policy']],
        ],
      );
    }
  });
});

describe('applyRetention: the seed procedures (Africa/Nairobi)', () => {
  const DAY = 86_400_000;
  const EAT = 3 * 3_600_000;
  /** Instants at `eatHour` EAT every `stepMs`, the newest on 30 June 2024, going back `days`. */
  const series = (eatHour: number, stepMs: number, days: number): string[] => {
    const newest = Date.UTC(2024, 5, 30, eatHour) - EAT;
    const out: string[] = [];
    for (let t = newest; t > newest - days * DAY; t -= stepMs) out.push(new Date(t).toISOString());
    return out;
  };
  const now = new Date(Date.UTC(2024, 5, 30, 23) - EAT); // 30 June 23:00 EAT

  it('database full, daily at 00:00 EAT, kept 30 days', () => {
    assert.equal(kept(series(0, DAY, 90), { keepWithin: '30d' }, 'Africa/Nairobi', now).length, 30);
    assert.equal(kept(series(0, DAY, 90), { keepDaily: 30 }, 'Africa/Nairobi', now).length, 30);
  });

  it('incremental every 4 hours, kept 7 days', () => {
    const times = series(20, 4 * 3_600_000, 30);
    assert.equal(kept(times, { keepWithin: '7d' }, 'Africa/Nairobi', now).length, 42);
  });

  it('complete system backup, weekly Sunday 02:00 EAT, kept 12 weeks', () => {
    const sundays = series(2, 7 * DAY, 365); // 30 June 2024 is a Sunday; a year of them
    assert.equal(kept(sundays, { keepWithin: '12w' }, 'Africa/Nairobi', now).length, 12);
    assert.equal(kept(sundays, { keepWeekly: 12 }, 'Africa/Nairobi', now).length, 12);
  });
});

describe('validation', () => {
  it('parses durations', () => {
    assert.deepEqual(parseDuration('1y6m'), {
      years: 1,
      months: 6,
      weeks: 0,
      days: 0,
      hours: 0,
      text: '1y6m',
    });
    assert.equal(parseDuration('12w').weeks, 12);
    assert.equal(parseDuration(' 36h ').hours, 36);
  });

  it('rejects bad durations with a clear message', () => {
    for (const s of ['', '30', '30x', 'd', '0d', '1d1d', '-3d', '30 d', '1.5d']) {
      assert.throws(() => parseDuration(s), invalidInput, `'${s}'`);
    }
    assert.throws(() => parseDuration('30'), /Invalid retention duration '30'/);
  });

  it('rejects bad policies', () => {
    const bad = [
      { keepDaily: -1 },
      { keepDaily: 1.5 },
      { keepLast: Number.NaN },
      { keepWithin: '30' },
      { keepTags: [''] },
      { keepDayly: 7 } as unknown as RetentionPolicy,
    ];
    for (const p of bad) assert.throws(() => validatePolicy(p), invalidInput, JSON.stringify(p));
    assert.throws(
      () => validatePolicy({ keepDayly: 7 } as unknown as RetentionPolicy),
      /Unknown retention option 'keepDayly'/,
    );
    assert.throws(() => validatePolicy({ keepWithinDaily: '7 days' }), /keepWithinDaily/);
  });

  it('rejects an unknown time zone and an invalid snapshot time', () => {
    assert.throws(
      () => applyRetention([], { keepLast: 1 }, NOW, 'Mars/Olympus'),
      /Unknown time zone 'Mars\/Olympus'/,
    );
    assert.throws(
      () => applyRetention([snap('yesterday')], { keepLast: 1 }, NOW, 'UTC'),
      /invalid time 'yesterday'/,
    );
  });
});
