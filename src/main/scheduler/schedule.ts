/**
 * Pure schedule arithmetic on plans (croner does the cron/time-zone work). No clock here: callers
 * pass `now`, which comes from the injected Clock.
 *
 * DST: cron times are wall-clock times. A time that does not exist (spring forward) runs once at
 * the shifted instant; a time that occurs twice (fall back) runs once, at its first occurrence.
 */
import type { Cron } from 'croner';
import { type Plan, parseCron } from './policy.js';

const cache = new Map<string, Cron>();

function cronOf(plan: Pick<Plan, 'cron' | 'timeZone' | 'name'>): Cron {
  const key = `${plan.timeZone}\u0000${plan.cron}`;
  let c = cache.get(key);
  if (!c) {
    c = parseCron(plan.cron, plan.timeZone, plan.name);
    if (cache.size > 200) cache.clear();
    cache.set(key, c);
  }
  return c;
}

type SchedulePlan = Pick<Plan, 'cron' | 'timeZone' | 'name'>;

/** The first scheduled time strictly after `after`, or undefined if the pattern never fires again. */
export function nextRun(plan: SchedulePlan, after: Date): Date | undefined {
  return cronOf(plan).nextRun(after) ?? undefined;
}

/** The next `n` scheduled times strictly after `after`. */
export function nextRuns(plan: SchedulePlan, after: Date, n: number): Date[] {
  const out: Date[] = [];
  let t: Date | undefined = after;
  while (out.length < n && t) {
    t = nextRun(plan, t);
    if (t) out.push(t);
  }
  return out;
}

/**
 * Scheduled times in (lastRunAt, now], oldest first: the runs that came due since the scheduler last
 * looked. When more than `limit` came due (a machine off for months), only the latest `limit` are
 * returned; `omitted` on the result array says how many older ones were dropped.
 */
export function dueRuns(
  plan: SchedulePlan,
  lastRunAt: Date,
  now: Date,
  limit = 500,
): Date[] & { omitted: number } {
  const out: Date[] = [];
  let omitted = 0;
  let t = nextRun(plan, lastRunAt);
  while (t && t.getTime() <= now.getTime()) {
    out.push(t);
    if (out.length > limit) {
      out.shift();
      omitted++;
    }
    t = nextRun(plan, t);
  }
  return Object.assign(out, { omitted });
}

export interface MissedRunDecision {
  /** The one run to start now, if any: the latest due time, marked late if it is past the grace period. */
  run?: { scheduledFor: Date; late: boolean; latenessMs: number };
  /** Due times that will not run: every older due time, and the latest too if outside the window. */
  missed: Date[];
}

/** Runs starting within this much of their time are on time (the loop wakes at least every minute). */
export const ON_TIME_GRACE_MS = 2 * 60_000;

/**
 * What to do with the runs that came due (from `dueRuns`): a run missed while the machine slept or
 * was off runs ONCE on wake/start if it is within the plan's missed-run window, marked late; all
 * older ones are marked missed.
 */
export function missedRunDecision(
  plan: Pick<Plan, 'missedRunWindowHours'>,
  due: readonly Date[],
  now: Date,
  graceMs = ON_TIME_GRACE_MS,
): MissedRunDecision {
  const latest = due.at(-1);
  if (!latest) return { missed: [] };
  const missed = due.slice(0, -1);
  const latenessMs = Math.max(0, now.getTime() - latest.getTime());
  if (latenessMs <= graceMs) return { run: { scheduledFor: latest, late: false, latenessMs }, missed };
  if (latenessMs <= plan.missedRunWindowHours * 3_600_000) {
    return { run: { scheduledFor: latest, late: true, latenessMs }, missed };
  }
  return { missed: [...missed, latest] };
}
