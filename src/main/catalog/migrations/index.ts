/**
 * The migration registry: every schema step, sorted by version, run at start by openCatalog().
 *   001-049  catalog core (this folder's owner: users, auth, audit, settings, recovery records)
 *   050-099  scheduler + job manager (plans, jobs, job logs) — add their entries below, in order
 * Never renumber or edit a released migration; add a new one.
 */
import { m001Core } from './001-core.js';
import { m002Recovery } from './002-recovery.js';
import { m003Seed } from './003-seed.js';
import { m050Jobs } from './050-jobs.js';
import { m051Plans } from './051-plans.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [
  m001Core,
  m002Recovery,
  m003Seed,
  // 050-099: scheduler (src/main/scheduler, host/jobs, catalog/{plans,jobs}.ts)
  m050Jobs,
  m051Plans,
];

/** Highest version this build knows. */
export function latestVersion(list: readonly Migration[] = MIGRATIONS): number {
  return list.reduce((m, x) => Math.max(m, x.version), 0);
}
