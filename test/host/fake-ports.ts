/**
 * TEST DOUBLE: stands in for the engine's RestoreService and the scheduler's PlanService so the
 * host's own logic (authorization, approvals, audit) can be tested before those are wired. It
 * records calls and starts no real work.
 */

import type { Actor, Ports, RestoreService } from '../../src/main/host/ports.js';
import { AppError } from '../../src/main/platform/errors.js';
import type { RestoreRequest } from '../../src/shared/contract/restore.js';

export interface RecordedRestore {
  request: RestoreRequest;
  ctx: { incidentId?: string; approval?: { requestId: string; approvedBy: string } };
  actor: Actor;
}

export function fakePorts(): { ports: Ports; productionRestores: RecordedRestore[] } {
  const productionRestores: RecordedRestore[] = [];
  let n = 0;
  const restore: RestoreService = {
    preview: async () => {
      throw new AppError('CONFIG', 'not in the fake');
    },
    toStaging: async () => ({ jobId: `job-${++n}` }),
    toProduction: async (request, ctx, actor) => {
      productionRestores.push({ request, ctx, actor });
      return { jobId: `job-${++n}` };
    },
    runTest: async () => ({ jobId: `job-${++n}` }),
  };
  return {
    ports: {
      restore,
      plans: {
        list: async () => [],
        get: async (id) => {
          throw new AppError('NOT_FOUND', `No plan with id "${id}".`);
        },
        create: async () => {
          throw new AppError('CONFIG', 'not in the fake');
        },
        update: async () => {
          throw new AppError('CONFIG', 'not in the fake');
        },
        setEnabled: async (id) => {
          throw new AppError('NOT_FOUND', `No plan with id "${id}".`);
        },
        delete: async (id) => {
          throw new AppError('NOT_FOUND', `No plan with id "${id}".`);
        },
        runNow: async (id) => {
          throw new AppError('NOT_FOUND', `No plan with id "${id}".`);
        },
        previewSchedule: async () => [],
      },
    },
    productionRestores,
  };
}
