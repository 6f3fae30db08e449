/**
 * host/jobs: the job manager (long work as Jobs: state, progress, cancel, log, concurrency lanes).
 * Imports catalog/jobs.ts for persistence, platform/ and the shared contract's Job types.
 */
export { exportJobLog } from './export.js';
export {
  type JobContext,
  type JobEmitter,
  type JobEventName,
  JobManager,
  type JobManagerDeps,
  type JobWork,
  type Lane,
  laneOf,
  type StartOptions,
} from './manager.js';
export { jobService } from './service.js';
