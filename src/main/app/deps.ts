/** What the app's services share (built once in compose.ts). */
import type { CatalogDb } from '../catalog/db.js';
import type { PlanStore } from '../catalog/plans.js';
import type { Stores } from '../host/context.js';
import type { EventBus } from '../host/events.js';
import type { JobManager } from '../host/jobs/manager.js';
import type { Clock } from '../platform/clock.js';
import type { Keychain } from '../platform/keychain.js';
import type { Logger } from '../platform/logger.js';
import type { AppPaths } from './paths.js';
import type { Repos } from './repos.js';
import type { KmsEnv } from './unlock.js';

export interface AppDeps {
  db: CatalogDb;
  clock: Clock;
  keychain: Keychain;
  paths: AppPaths;
  log: Logger;
  bus: EventBus;
  stores: Stores;
  plans: PlanStore;
  jobs: JobManager;
  repos: Repos;
  kms: KmsEnv;
}

/** Fields every job-started call passes on (who, which target). */
export function jobOpts(startedBy: string, targetId?: string, planId?: string) {
  return {
    startedBy,
    ...(targetId ? { targetId, repository: targetId } : {}),
    ...(planId ? { planId } : {}),
  };
}
