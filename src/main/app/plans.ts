/** PlanService: the contract's plans over the PlanStore (scheduler model + spec), with run status. */
import type { Plan, PlanInput } from '../../shared/contract/plans.js';
import type { PlanRunStore } from '../catalog/jobs.js';
import type { PlanService } from '../host/ports.js';
import { AppError } from '../platform/errors.js';
import { nextRun, nextRuns } from '../scheduler/schedule.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { AppDeps } from './deps.js';
import type { PlanLauncher } from './launcher.js';
import { isConfigured, type PlanSpec, type StoredAppPlan, slugId, toInput, toStored } from './plan-model.js';

export interface PlanServiceDeps {
  history: PlanRunStore;
  launcher: PlanLauncher;
  scheduler: () => Scheduler;
}

type Configured = StoredAppPlan & { spec: PlanSpec };

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No backup plan "${id}".`, {
    hint: 'Open Settings > Plans and schedules.',
  });
}

export function planService(d: AppDeps, x: PlanServiceDeps): PlanService {
  const all = () => d.plans.list() as StoredAppPlan[];
  const configured = (id: string): Configured => {
    const p = d.plans.get(id) as StoredAppPlan | undefined;
    if (!p || !isConfigured(p)) throw notFound(id);
    return p;
  };

  function status(p: Configured): Plan['status'] {
    const runs = x.history.list(p.id, 50);
    const ran = runs.filter((r) => r.jobId && r.outcome !== 'missed' && r.outcome !== 'skipped');
    const last = ran[0];
    const job = last?.jobId ? d.jobs.get(last.jobId) : undefined;
    const okRun = ran.find((r) => r.outcome === 'succeeded');
    const snapshotId = typeof job?.result?.snapshotId === 'string' ? job.result.snapshotId : undefined;
    const state = job?.state ?? (last?.outcome === 'running' ? 'running' : (last?.outcome ?? 'failed'));
    const now = d.clock.now();
    const next = p.enabled ? nextRun(p, now) : undefined;
    let health: Plan['status']['health'];
    if (!p.enabled) health = 'disabled';
    else if (runs[0]?.outcome === 'missed') health = 'overdue';
    else if (!last) health = 'never-run';
    else if (state === 'failed') health = 'failed';
    else if (state === 'cancelled' || (job?.warnings ?? 0) > 0) health = 'warning';
    else health = 'ok';
    return {
      health,
      ...(next ? { nextRunAt: next.toISOString() } : {}),
      ...(last?.jobId
        ? {
            lastRun: {
              jobId: last.jobId,
              state: state as NonNullable<Plan['status']['lastRun']>['state'],
              ...(last.finishedAt ? { finishedAt: last.finishedAt.toISOString() } : {}),
              ...(snapshotId ? { snapshotId } : {}),
            },
          }
        : {}),
      ...(okRun?.finishedAt ? { lastSuccessAt: okRun.finishedAt.toISOString() } : {}),
    };
  }

  const toContract = (p: Configured): Plan => ({
    ...toInput(p),
    id: p.id,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    status: status(p),
  });

  const save = (input: PlanInput, id: string, base?: StoredAppPlan) => {
    const target = d.stores.targets.get(input.targetId);
    for (const t of input.copyTo) d.stores.targets.get(t);
    for (const c of input.components) if ('profileId' in c) d.stores.profiles.get(c.profileId);
    return toStored(input, id, target, base);
  };

  const changed = () => d.bus.emit('dashboard.invalidate', { topics: ['plans'] });

  return {
    list: async () => all().filter(isConfigured).map(toContract),
    get: async (id) => toContract(configured(id)),
    async create(input) {
      const same = all().find((p) => p.name === input.name);
      if (same && isConfigured(same)) {
        throw new AppError('ALREADY_EXISTS', `A plan named "${input.name}" already exists.`, {
          hint: 'Choose another name, or edit the existing plan.',
        });
      }
      // A seeded default plan of that name is adopted: it keeps its id and scheduler policy.
      const plan = same
        ? d.plans.update(save(input, same.id, same))
        : d.plans.create(
            save(
              input,
              slugId(input.name, (id) => d.plans.get(id) !== undefined),
            ),
          );
      changed();
      return toContract(configured(plan.id));
    },
    async update(id, input) {
      const cur = configured(id);
      d.plans.update(save(input, id, cur));
      changed();
      return toContract(configured(id));
    },
    async setEnabled(id, enabled) {
      configured(id);
      d.plans.setEnabled(id, enabled);
      changed();
      return toContract(configured(id));
    },
    async delete(id) {
      configured(id);
      d.plans.delete(id);
      changed();
    },
    async runNow(id, actor) {
      configured(id);
      x.launcher.as(actor.username, () => x.scheduler().runNow(id, 'manual'));
      const jobId = x.launcher.lastJob.get(id);
      if (!jobId) throw new AppError('INTERNAL', `Plan "${id}" did not start a job.`);
      return { jobId };
    },
    async previewSchedule(schedule, count) {
      const plan = { cron: schedule.cron, timeZone: schedule.timeZone, name: 'schedule' };
      return nextRuns(plan, d.clock.now(), count).map((t) => t.toISOString());
    },
  };
}
