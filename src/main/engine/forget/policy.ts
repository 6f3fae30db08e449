/**
 * Retention: which snapshots a policy keeps. Semantics follow `restic forget` (0.14):
 *
 * - Snapshots are considered newest first. `keepLast` keeps the newest n.
 * - Bucket rules (hourly, daily, ISO-weekly, monthly, yearly) keep the newest snapshot of each of the
 *   n newest buckets that contain a snapshot. Buckets are calendar periods in `timeZone` (IANA), so
 *   "daily" in Africa/Nairobi (EAT, UTC+3) splits days at 21:00 UTC.
 * - `keepWithin` keeps snapshots strictly newer than `now - duration`; `keepWithinDaily` etc. keep
 *   the newest snapshot of every bucket within that range. DIFFERENCE FROM RESTIC: restic measures
 *   these ranges back from the newest snapshot; we measure from `now`, so a plan that stopped
 *   producing snapshots lets old ones age out (and an alert about missing backups fires first).
 * - `keepTags`: each entry is a tag or a comma-separated tag list; a snapshot carrying all tags of an
 *   entry is kept.
 * - Reasons are restic's strings ('last snapshot', 'daily snapshot', 'within 30d', 'daily within 7d',
 *   'has tags [a, b]'). An empty policy keeps everything with reason 'no policy': refusing to delete
 *   every snapshot is the caller's decision, not this function's.
 *
 * Durations: `<n><unit>` terms, units y (years), m (MONTHS, as in restic), w (weeks), d (days),
 * h (hours), e.g. '30d', '12w', '2y', '36h', '1y6m'. Calendar units are subtracted on the wall clock
 * in `timeZone` (a month back from 31 March 2023 is 3 March, like Go's AddDate), hours as elapsed time.
 */
import { AppError } from '../../platform/errors.js';

export interface RetentionPolicy {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithin?: string;
  keepWithinHourly?: string;
  keepWithinDaily?: string;
  keepWithinWeekly?: string;
  keepWithinMonthly?: string;
  keepWithinYearly?: string;
  keepTags?: string[];
}

export interface SnapshotLike {
  id: string;
  time: string;
  tags: string[];
}

export interface Decision<T> {
  snapshot: T;
  keep: boolean;
  reasons: string[];
}

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  /** The text as given (trimmed), e.g. '1y6m'; used in reasons. */
  text: string;
}

type Period = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';
const PERIODS: readonly Period[] = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'];
const COUNT_KEY = {
  hourly: 'keepHourly',
  daily: 'keepDaily',
  weekly: 'keepWeekly',
  monthly: 'keepMonthly',
  yearly: 'keepYearly',
} as const;
const WITHIN_KEY = {
  hourly: 'keepWithinHourly',
  daily: 'keepWithinDaily',
  weekly: 'keepWithinWeekly',
  monthly: 'keepWithinMonthly',
  yearly: 'keepWithinYearly',
} as const;
const COUNT_KEYS = ['keepLast', ...Object.values(COUNT_KEY)] as const;
const DURATION_KEYS = ['keepWithin', ...Object.values(WITHIN_KEY)] as const;
const KNOWN_KEYS = new Set<string>([...COUNT_KEYS, ...DURATION_KEYS, 'keepTags']);

const invalid = (message: string, hint?: string) =>
  new AppError('INVALID_INPUT', message, hint === undefined ? {} : { hint });

const DURATION_HINT = "Use terms like '30d', '12w', '6m' (months), '2y', '36h' or '1y6m'.";

export function parseDuration(s: string): Duration {
  const text = typeof s === 'string' ? s.trim() : '';
  const d: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, text };
  const field = { y: 'years', m: 'months', w: 'weeks', d: 'days', h: 'hours' } as const;
  const seen = new Set<string>();
  let rest = text;
  while (rest.length > 0) {
    const m = /^(\d{1,6})([ymwdh])/.exec(rest);
    if (!m) throw invalid(`Invalid retention duration '${String(s)}'.`, DURATION_HINT);
    const unit = m[2] as keyof typeof field;
    if (seen.has(unit))
      throw invalid(`Retention duration '${text}' repeats the unit '${unit}'.`, DURATION_HINT);
    seen.add(unit);
    d[field[unit]] = Number(m[1]);
    rest = rest.slice(m[0].length);
  }
  if (seen.size === 0) throw invalid('A retention duration is empty.', DURATION_HINT);
  if (d.years + d.months + d.weeks + d.days + d.hours === 0) {
    throw invalid(`Retention duration '${text}' is zero.`, DURATION_HINT);
  }
  return d;
}

export function validatePolicy(p: RetentionPolicy): void {
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw invalid('A retention policy must be an object.');
  for (const key of Object.keys(p)) {
    if (!KNOWN_KEYS.has(key)) {
      throw invalid(`Unknown retention option '${key}'.`, `Known options: ${[...KNOWN_KEYS].join(', ')}.`);
    }
  }
  for (const key of COUNT_KEYS) {
    const v = p[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
      throw invalid(`Retention option ${key} must be a whole number of snapshots >= 0 (got ${String(v)}).`);
    }
  }
  for (const key of DURATION_KEYS) {
    const v = p[key];
    if (v === undefined) continue;
    if (typeof v !== 'string')
      throw invalid(`Retention option ${key} must be a duration string.`, DURATION_HINT);
    try {
      parseDuration(v);
    } catch (e) {
      throw invalid(`Retention option ${key}: ${(e as Error).message}`, DURATION_HINT);
    }
  }
  if (p.keepTags !== undefined) {
    if (
      !Array.isArray(p.keepTags) ||
      p.keepTags.some((t) => typeof t !== 'string' || tagList(t).length === 0)
    ) {
      throw invalid(
        'Retention option keepTags must be a list of non-empty tags (or comma-separated tag lists).',
      );
    }
  }
}

function tagList(entry: string): string[] {
  return entry
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

function isEmptyPolicy(p: RetentionPolicy): boolean {
  return (
    COUNT_KEYS.every((k) => !p[k]) && DURATION_KEYS.every((k) => p[k] === undefined) && !p.keepTags?.length
  );
}

/** Decides keep/forget for every snapshot; returns decisions newest first. */
export function applyRetention<T extends SnapshotLike>(
  snaps: T[],
  policy: RetentionPolicy,
  now: Date,
  timeZone: string,
): Decision<T>[] {
  validatePolicy(policy);
  if (Number.isNaN(now.getTime())) throw invalid('The reference time for retention is not a valid date.');
  const zone = zonedClock(timeZone);
  const items = snaps.map((snapshot) => {
    const t = Date.parse(snapshot.time);
    if (Number.isNaN(t)) throw invalid(`Snapshot ${snapshot.id} has an invalid time '${snapshot.time}'.`);
    return { snapshot, t };
  });
  items.sort(
    (a, b) => b.t - a.t || (a.snapshot.id < b.snapshot.id ? 1 : a.snapshot.id > b.snapshot.id ? -1 : 0),
  );
  if (isEmptyPolicy(policy))
    return items.map(({ snapshot }) => ({ snapshot, keep: true, reasons: ['no policy'] }));

  const tagRules = (policy.keepTags ?? []).map(tagList);
  const within = policy.keepWithin === undefined ? undefined : parseDuration(policy.keepWithin);
  const withinFrom = within && zone.subtract(now.getTime(), within);
  const counters = PERIODS.map((period) => ({ period, left: policy[COUNT_KEY[period]] ?? 0, last: NaN }));
  const withinBuckets = PERIODS.flatMap((period) => {
    const text = policy[WITHIN_KEY[period]];
    if (text === undefined) return [];
    const d = parseDuration(text);
    return [{ period, d, from: zone.subtract(now.getTime(), d), last: NaN }];
  });

  return items.map(({ snapshot, t }, nr) => {
    const reasons: string[] = [];
    for (const tags of tagRules) {
      if (tags.every((tag) => snapshot.tags.includes(tag))) reasons.push(`has tags [${tags.join(', ')}]`);
    }
    if (within && withinFrom !== undefined && t > withinFrom) reasons.push(`within ${within.text}`);
    if (nr < (policy.keepLast ?? 0)) reasons.push('last snapshot');
    const parts = zone.parts(t);
    for (const c of counters) {
      if (c.left <= 0) continue;
      const key = bucketKey(c.period, parts);
      if (key !== c.last) {
        c.last = key;
        c.left--;
        reasons.push(`${c.period} snapshot`);
      }
    }
    for (const b of withinBuckets) {
      if (t <= b.from) continue;
      const key = bucketKey(b.period, parts);
      if (key !== b.last) {
        b.last = key;
        reasons.push(`${b.period} within ${b.d.text}`);
      }
    }
    return { snapshot, keep: reasons.length > 0, reasons };
  });
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function bucketKey(period: Period, w: WallClock): number {
  switch (period) {
    case 'hourly':
      return ((w.year * 100 + w.month) * 100 + w.day) * 100 + w.hour;
    case 'daily':
      return (w.year * 100 + w.month) * 100 + w.day;
    case 'weekly':
      return isoWeekKey(w.year, w.month, w.day);
    case 'monthly':
      return w.year * 100 + w.month;
    case 'yearly':
      return w.year;
  }
}

const DAY_MS = 86_400_000;

/** ISO-8601 week as isoYear * 100 + week: the week (Monday..Sunday) belongs to its Thursday's year. */
export function isoWeekKey(year: number, month: number, day: number): number {
  const t = Date.UTC(year, month - 1, day);
  const mondayBased = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = t + (3 - mondayBased) * DAY_MS;
  const isoYear = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(isoYear, 0, 1)) / DAY_MS / 7) + 1;
  return isoYear * 100 + week;
}

/** Wall-clock arithmetic in one IANA zone through Intl (no offset tables of our own). */
function zonedClock(timeZone: string) {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (e) {
    throw new AppError('INVALID_INPUT', `Unknown time zone '${timeZone}'.`, {
      hint: "Use an IANA time zone name such as 'Africa/Nairobi' or 'UTC'.",
      cause: e,
    });
  }
  const parts = (t: number): WallClock => {
    const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const p of fmt.formatToParts(t)) {
      if (p.type in w) w[p.type as keyof WallClock] = Number(p.value);
    }
    return w;
  };
  const offsetAt = (t: number): number => {
    const s = Math.floor(t / 1000) * 1000;
    const w = parts(s);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - s;
  };
  /** The instant `d` before `t`: calendar units on the zone's wall clock, hours as elapsed time. */
  const subtract = (t: number, d: Duration): number => {
    const w = parts(t);
    const ms = t - Math.floor(t / 1000) * 1000;
    const wall =
      Date.UTC(
        w.year - d.years,
        w.month - 1 - d.months,
        w.day - d.days - 7 * d.weeks,
        w.hour,
        w.minute,
        w.second,
      ) + ms;
    let instant = wall - offsetAt(wall);
    const corrected = wall - offsetAt(instant);
    if (corrected !== instant) instant = corrected;
    return instant - d.hours * 3_600_000;
  };
  return { parts, subtract };
}
