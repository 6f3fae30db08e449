/**
 * Backup plans: the model, its validation, and the default policy from the seed document
 * (`seed/backup-procedures.md`, "Backup Schedule"). Times are wall-clock times in the plan's
 * IANA time zone (default Africa/Nairobi, EAT, UTC+03:00, no DST).
 */
import { Cron } from 'croner';
import { AppError } from '../platform/errors.js';

/** Same names as the contract's PlanKind (src/shared/contract/plans.ts). */
export type PlanKind = 'database-full' | 'incremental' | 'files' | 'system' | 'schema';
export type PlanComponent = 'database' | 'files' | 'config';
export type PlanTarget = 'primary' | 'secondary' | 'git';
/** What starts a plan besides its cron: schema backups also run when the schema changes. */
export type PlanTrigger = 'schedule' | 'schema-change';

/** Exactly one of the three. */
export type Retention = { keepWithinDays: number } | { keepWeeks: number } | { forever: true };

export interface RetryPolicy {
  /** Extra attempts after the first failure (0 = no retry). Only failures marked retryable are retried. */
  attempts: number;
  /** Wait before retry n is n × backoffMinutes. */
  backoffMinutes: number;
}

export interface Plan {
  id: string;
  name: string;
  kind: PlanKind;
  description: string;
  /** 5-field cron (minute hour day-of-month month day-of-week), in `timeZone`. */
  cron: string;
  timeZone: string;
  trigger: PlanTrigger;
  retention: Retention;
  target: PlanTarget;
  components: PlanComponent[];
  enabled: boolean;
  /** A run missed (machine off/asleep) is caught up once if the start is at most this late. */
  missedRunWindowHours: number;
  /** Whether missed runs are reported (notifications); periodic checks are not worth a mail. */
  reportMissed: boolean;
  retry: RetryPolicy;
}

export const DEFAULT_TIME_ZONE = 'Africa/Nairobi';
export const DEFAULT_MISSED_RUN_WINDOW_HOURS = 24;
export const DEFAULT_RETRY: RetryPolicy = { attempts: 2, backoffMinutes: 15 };

const base = {
  timeZone: DEFAULT_TIME_ZONE,
  trigger: 'schedule' as PlanTrigger,
  enabled: true,
  missedRunWindowHours: DEFAULT_MISSED_RUN_WINDOW_HOURS,
  reportMissed: true,
  retry: DEFAULT_RETRY,
};

/** The seed's "Backup Schedule" table, as plans. */
export const DEFAULT_PLANS: readonly Plan[] = Object.freeze([
  {
    ...base,
    id: 'database-full',
    name: 'Database Full Backup',
    kind: 'database-full',
    description: 'Daily at 12:00 AM EAT: the whole database, kept 30 days, primary cloud storage.',
    cron: '0 0 * * *',
    retention: { keepWithinDays: 30 },
    target: 'primary',
    components: ['database'],
  },
  {
    ...base,
    id: 'incremental',
    name: 'Incremental Backup',
    kind: 'incremental',
    description:
      'Every 4 hours: the database, stored incrementally (deduplicated against the previous snapshot, ' +
      'so only changed chunks are uploaded); kept 7 days, primary cloud storage.',
    cron: '0 */4 * * *',
    retention: { keepWithinDays: 7 },
    target: 'primary',
    components: ['database'],
    missedRunWindowHours: 4,
  },
  {
    ...base,
    id: 'file-system',
    name: 'File System Backup',
    kind: 'files',
    description: 'Daily at 1:00 AM EAT: file uploads, kept 30 days, primary cloud storage.',
    cron: '0 1 * * *',
    retention: { keepWithinDays: 30 },
    target: 'primary',
    components: ['files'],
  },
  {
    ...base,
    id: 'complete-system',
    name: 'Complete System Backup',
    kind: 'system',
    description:
      'Weekly on Sunday at 2:00 AM EAT: database, files and configuration, kept 12 weeks, ' +
      'secondary cloud storage (a different provider).',
    cron: '0 2 * * 0',
    retention: { keepWeeks: 12 },
    target: 'secondary',
    components: ['database', 'files', 'config'],
    missedRunWindowHours: 72,
  },
  {
    ...base,
    id: 'database-schema',
    name: 'Database Schema Backup',
    kind: 'schema',
    description:
      'After each schema change (checked every 15 minutes and on demand): the schema-only dump is ' +
      'committed to the version-controlled repository when its fingerprint changed; kept indefinitely.',
    cron: '*/15 * * * *',
    trigger: 'schema-change',
    retention: { forever: true },
    target: 'git',
    components: ['database'],
    missedRunWindowHours: 24 * 365,
    reportMissed: false,
    retry: { attempts: 1, backoffMinutes: 5 },
  },
] satisfies Plan[]);

export function defaultPlans(): Plan[] {
  return DEFAULT_PLANS.map((p) => structuredClone(p));
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

function invalid(message: string, hint: string): AppError {
  return new AppError('INVALID_INPUT', message, { hint });
}

/** Parses a 5-field cron in a zone; throws INVALID_INPUT naming the plan and the pattern. */
export function parseCron(pattern: string, timeZone: string, planName = 'plan'): Cron {
  try {
    return new Cron(pattern, { timezone: timeZone, paused: true, mode: '5-part' });
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^CronPattern: /, '') : 'unreadable';
    throw invalid(
      `Plan "${planName}": the schedule "${pattern}" is not a valid cron expression (${why}).`,
      'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 0 * * *" for daily at midnight.',
    );
  }
}

const COMPONENTS: readonly PlanComponent[] = ['database', 'files', 'config'];
const TARGETS: readonly PlanTarget[] = ['primary', 'secondary', 'git'];

function retentionKeys(r: Retention): string[] {
  return Object.keys(r).filter((k) => (r as Record<string, unknown>)[k] !== undefined);
}

/** Checks a plan; throws INVALID_INPUT with an operator-readable message. Returns the plan. */
export function validatePlan(plan: Plan): Plan {
  const name = plan.name?.trim() || plan.id || 'plan';
  if (!plan.id || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(plan.id)) {
    throw invalid(
      `Plan "${name}": id "${plan.id}" is not valid.`,
      'Use lower-case letters, digits and dashes.',
    );
  }
  if (!plan.name?.trim())
    throw invalid(`Plan "${plan.id}" has no name.`, 'Give the plan a descriptive name.');
  if (!isValidTimeZone(plan.timeZone)) {
    throw invalid(
      `Plan "${name}": unknown time zone "${plan.timeZone}".`,
      'Use an IANA time zone name such as "Africa/Nairobi" (EAT) or "UTC".',
    );
  }
  parseCron(plan.cron, plan.timeZone, name);
  if (!Array.isArray(plan.components) || plan.components.length === 0) {
    throw invalid(
      `Plan "${name}" backs up nothing: its component list is empty.`,
      'Choose at least one of database, files, config.',
    );
  }
  const unknown = plan.components.filter((c) => !COMPONENTS.includes(c));
  if (unknown.length > 0) {
    throw invalid(
      `Plan "${name}": unknown component(s) ${unknown.join(', ')}.`,
      'Components are database, files, config.',
    );
  }
  if (!TARGETS.includes(plan.target)) {
    throw invalid(
      `Plan "${name}": unknown storage target "${plan.target}".`,
      'Use primary, secondary or git.',
    );
  }
  const keys = retentionKeys(plan.retention ?? ({} as Retention));
  if (keys.length !== 1) {
    throw invalid(
      `Plan "${name}": retention must be exactly one of keepWithinDays, keepWeeks or forever.`,
      'For example { keepWithinDays: 30 }.',
    );
  }
  const r = plan.retention as Partial<Record<'keepWithinDays' | 'keepWeeks', number>> & { forever?: boolean };
  for (const k of ['keepWithinDays', 'keepWeeks'] as const) {
    const v = r[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw invalid(
        `Plan "${name}": retention ${k} must be a whole number of at least 1.`,
        'For example 30.',
      );
    }
  }
  if (r.forever !== undefined && r.forever !== true) {
    throw invalid(`Plan "${name}": retention forever must be true.`, 'Use { forever: true }.');
  }
  if (!(plan.missedRunWindowHours >= 0)) {
    throw invalid(`Plan "${name}": missedRunWindowHours must be 0 or more.`, 'For example 24.');
  }
  const { attempts, backoffMinutes } = plan.retry ?? { attempts: -1, backoffMinutes: -1 };
  if (!Number.isInteger(attempts) || attempts < 0 || attempts > 10 || !(backoffMinutes >= 0)) {
    throw invalid(
      `Plan "${name}": retry needs attempts between 0 and 10 and backoffMinutes of 0 or more.`,
      'For example { attempts: 2, backoffMinutes: 15 }.',
    );
  }
  return plan;
}

/** A human description of a retention rule ("30 days", "12 weeks", "indefinitely"). */
export function describeRetention(r: Retention): string {
  if ('keepWithinDays' in r) return `${r.keepWithinDays} days`;
  if ('keepWeeks' in r) return `${r.keepWeeks} weeks`;
  return 'indefinitely';
}
