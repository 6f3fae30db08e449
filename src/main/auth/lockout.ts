/**
 * Lockout with backoff: after 5 failed attempts in a row the account locks for 1 minute; each
 * further failure doubles it (2, 4, 8 … minutes, at most 24 hours). A success resets the count.
 */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_BASE_MS = 60_000;
export const LOCKOUT_MAX_MS = 24 * 60 * 60_000;

/** How long to lock after `failures` consecutive failures (0 = no lock). */
export function lockoutMs(failures: number): number {
  if (failures < LOCKOUT_THRESHOLD) return 0;
  return Math.min(LOCKOUT_MAX_MS, LOCKOUT_BASE_MS * 2 ** (failures - LOCKOUT_THRESHOLD));
}
