/**
 * Key rotation status for the console and the CLI. The backup procedures require rotation every
 * 90 days; from day 80 the status warns, from day 90 it is overdue. Pure: time comes from a Clock.
 * Days are whole elapsed days (24 h each, UTC); dates are shown as YYYY-MM-DD (UTC).
 */
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { SlotParams } from '../slots/port.js';
import { ROTATION_PERIOD_DAYS } from './port.js';

export type RotationState = 'ok' | 'warn' | 'overdue';

export const WARN_FROM_DAY = 80;
const DAY_MS = 86_400_000;

export interface RotationInput {
  /** Last rotation (ReEncrypt); absent if the key was never rotated. */
  lastRotatedAt?: Date | string;
  /** When the key (slot) was created: the start of the clock if never rotated. */
  createdAt: Date | string;
  periodDays?: number;
}

export interface RotationStatus {
  basis: 'rotated' | 'created';
  since: Date;
  daysSince: number;
  nextDue: Date;
  /** Days until due; 0 on the due day, negative when overdue. */
  daysUntilDue: number;
  state: RotationState;
  message: string;
}

function toDate(v: Date | string, what: string): Date {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    throw new AppError('INVALID_INPUT', `The ${what} date "${String(v)}" is not a valid date.`);
  }
  return d;
}

const ymd = (d: Date): string => d.toISOString().slice(0, 10);
const days = (n: number): string => `${n} ${n === 1 ? 'day' : 'days'}`;

export function rotationStatus(input: RotationInput, clock: Clock): RotationStatus {
  const period = input.periodDays ?? ROTATION_PERIOD_DAYS;
  const warnFrom = Math.min(WARN_FROM_DAY, period - 1);
  const basis = input.lastRotatedAt === undefined ? 'created' : 'rotated';
  const since =
    input.lastRotatedAt === undefined
      ? toDate(input.createdAt, 'creation')
      : toDate(input.lastRotatedAt, 'last rotation');
  const now = clock.now();
  // A date slightly in the future (clock skew between machines) counts as today.
  const daysSince = Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS));
  const nextDue = new Date(since.getTime() + period * DAY_MS);
  const daysUntilDue = period - daysSince;
  const state: RotationState = daysSince >= period ? 'overdue' : daysSince >= warnFrom ? 'warn' : 'ok';

  const ago = daysSince === 0 ? 'today' : `${days(daysSince)} ago`;
  const head = basis === 'rotated' ? `Key rotated ${ago}` : `Key created ${ago} and never rotated`;
  let tail: string;
  if (daysUntilDue > 0) tail = `next rotation due ${ymd(nextDue)} (in ${days(daysUntilDue)})`;
  else if (daysUntilDue === 0) tail = `rotation due today (${ymd(nextDue)})`;
  else tail = `rotation overdue by ${days(-daysUntilDue)} (was due ${ymd(nextDue)})`;
  return { basis, since, daysSince, nextDue, daysUntilDue, state, message: `${head}; ${tail}` };
}

/**
 * Status of a stored key slot: the record's `rotatedAt` (if the repository keeps one), else the
 * params' `rotatedAt` (written by KmsKekProvider.rotate), else the slot's `createdAt`.
 */
export function slotRotationStatus(
  slot: { createdAt: string; rotatedAt?: string | undefined; params: SlotParams },
  clock: Clock,
  periodDays?: number,
): RotationStatus {
  const fromParams = slot.params.rotatedAt;
  const rotatedAt = slot.rotatedAt ?? (typeof fromParams === 'string' ? fromParams : undefined);
  return rotationStatus(
    {
      createdAt: slot.createdAt,
      ...(rotatedAt === undefined ? {} : { lastRotatedAt: rotatedAt }),
      ...(periodDays === undefined ? {} : { periodDays }),
    },
    clock,
  );
}
