/**
 * scheduler/: backup plans (policy, defaults from the seed), schedule arithmetic (croner, time zones,
 * DST), missed-run handling, the clock-driven scheduler loop and recovery-test cadences.
 * Imports platform/ and engine/progress types only; the host injects runPlan, the job launcher and
 * the run history. See README.md.
 */
export { directLauncher } from './direct-launcher.js';
export * from './policy.js';
export * from './restore-tests.js';
export {
  dueRuns,
  type MissedRunDecision,
  missedRunDecision,
  nextRun,
  nextRuns,
  ON_TIME_GRACE_MS,
} from './schedule.js';
export { type PlanStatus, Scheduler, type SchedulerDeps, sleepOn } from './scheduler.js';
export { formatZoned, utcOffset } from './time-format.js';
export type * from './types.js';
