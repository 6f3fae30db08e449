/** The host's JobService port (host/ports.ts) over the JobManager. */

import type { Job } from '../../../shared/contract/jobs.js';
import type { StoredJob } from '../../catalog/jobs.js';
import type { JobService } from '../ports.js';
import type { JobManager } from './manager.js';

function toContract(j: StoredJob): Job {
  const { lane: _lane, ...job } = j;
  return job;
}

export function jobService(jobs: JobManager): JobService {
  return {
    list: async (f) => jobs.list(f).map(toContract),
    get: async (id) => toContract(jobs.require(id)),
    log: async (id, afterSeq, limit) => jobs.logs(id, afterSeq, limit),
    cancel: async (id) => toContract(jobs.cancel(id)),
  };
}
