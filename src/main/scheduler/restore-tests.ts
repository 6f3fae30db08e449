/**
 * Recovery-testing cadences from the seed ("Backup Testing": full quarterly, partial monthly,
 * database-only weekly) and a compliance calculator: when did each kind of test last pass, when is
 * the next one due, is it overdue. Calendar arithmetic is done in the policy's time zone (EAT).
 */
import { DEFAULT_TIME_ZONE } from './policy.js';

/** Same names as the contract's RestoreTestKind (src/shared/contract/restoreTests.ts). */
export type RestoreTestKind = 'database' | 'partial' | 'full';
export type RestoreTestOutcome = 'passed' | 'failed' | 'passed-with-issues';

export interface RestoreTestCadence {
  kind: RestoreTestKind;
  name: string;
  description: string;
  every: { days: number } | { months: number };
  /** Nominal length in days (the contract's `everyDays`). */
  everyDays: number;
}

export const RESTORE_TEST_CADENCES: readonly RestoreTestCadence[] = Object.freeze([
  {
    kind: 'database',
    name: 'Database-only recovery test',
    description: 'Weekly: restore the latest database backup into a scratch database and verify it.',
    every: { days: 7 },
    everyDays: 7,
  },
  {
    kind: 'partial',
    name: 'Partial recovery test',
    description: 'Monthly: restore selected files and tables to a test location and verify them.',
    every: { months: 1 },
    everyDays: 30,
  },
  {
    kind: 'full',
    name: 'Full recovery test',
    description: 'Quarterly: restore the complete system into a separate testing environment.',
    every: { months: 3 },
    everyDays: 91,
  },
]);

export interface RestoreTestRecord {
  kind: RestoreTestKind;
  /** When the test finished. */
  time: Date;
  /** 'passed-with-issues' counts as a pass (the issues are documented with the record). */
  outcome: RestoreTestOutcome;
}

export interface RestoreTestCompliance {
  kind: RestoreTestKind;
  name: string;
  lastPass?: Date;
  lastRun?: Date;
  lastOutcome?: RestoreTestOutcome;
  /** When the next test is due; `undefined` when none has ever passed (due now). */
  nextDue?: Date;
  overdue: boolean;
  /** Whole days past due (0 when not overdue). */
  daysOverdue: number;
  status: 'ok' | 'due-soon' | 'overdue' | 'never';
}

/** Wall-clock parts of `d` in `tz`. */
function parts(d: Date, tz: string): { y: number; m: number; day: number; offsetMs: number } {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const get = (t: string) => Number(f.formatToParts(d).find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return {
    y: get('year'),
    m: get('month'),
    day: get('day'),
    offsetMs: wall - Math.floor(d.getTime() / 1000) * 1000,
  };
}

/** Adds calendar months in `tz`, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(d: Date, months: number, tz = DEFAULT_TIME_ZONE): Date {
  const p = parts(d, tz);
  const total = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = total % 12;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const wallOfDay = d.getTime() + p.offsetMs - Date.UTC(p.y, p.m - 1, p.day);
  return new Date(Date.UTC(y, m, Math.min(p.day, lastDay)) + wallOfDay - p.offsetMs);
}

export function nextDueAfter(c: RestoreTestCadence, last: Date, tz = DEFAULT_TIME_ZONE): Date {
  return 'days' in c.every
    ? new Date(last.getTime() + c.every.days * 86_400_000)
    : addMonths(last, c.every.months, tz);
}

/** Compliance of each cadence given the test records and the current time. */
export function restoreTestCompliance(
  records: readonly RestoreTestRecord[],
  now: Date,
  opts: { cadences?: readonly RestoreTestCadence[]; timeZone?: string; dueSoonDays?: number } = {},
): RestoreTestCompliance[] {
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const dueSoonMs = (opts.dueSoonDays ?? 2) * 86_400_000;
  return (opts.cadences ?? RESTORE_TEST_CADENCES).map((c) => {
    const mine = records.filter((r) => r.kind === c.kind).sort((a, b) => a.time.getTime() - b.time.getTime());
    const last = mine.at(-1);
    const lastPass = mine.filter((r) => r.outcome !== 'failed').at(-1)?.time;
    const out: RestoreTestCompliance = {
      kind: c.kind,
      name: c.name,
      overdue: true,
      daysOverdue: 0,
      status: 'never',
    };
    if (last) {
      out.lastRun = last.time;
      out.lastOutcome = last.outcome;
    }
    if (!lastPass) return out;
    out.lastPass = lastPass;
    const due = nextDueAfter(c, lastPass, tz);
    out.nextDue = due;
    const late = now.getTime() - due.getTime();
    out.overdue = late > 0;
    out.daysOverdue = late > 0 ? Math.floor(late / 86_400_000) : 0;
    out.status = out.overdue ? 'overdue' : -late <= dueSoonMs ? 'due-soon' : 'ok';
    return out;
  });
}
