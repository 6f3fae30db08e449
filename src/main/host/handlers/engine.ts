/** Calls that go straight to engine / scheduler ports. */
import type { jobsCalls } from '../../../shared/contract/jobs.js';
import type { plansCalls } from '../../../shared/contract/plans.js';
import type { restoreCalls } from '../../../shared/contract/restore.js';
import type { snapshotsCalls } from '../../../shared/contract/snapshots.js';
import { AppError } from '../../platform/errors.js';
import { actorOf, type HandlerMap, port } from '../context.js';

export const plansHandlers: HandlerMap<keyof typeof plansCalls> = {
  'plans.list': async (_i, ctx) => port(ctx, 'plans').list(),
  'plans.get': async (i, ctx) => port(ctx, 'plans').get(i.id),
  'plans.create': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.targetId);
    return port(ctx, 'plans').create(i, actorOf(ctx));
  },
  'plans.update': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.plan.targetId);
    return port(ctx, 'plans').update(i.id, i.plan, actorOf(ctx));
  },
  'plans.setEnabled': async (i, ctx) => port(ctx, 'plans').setEnabled(i.id, i.enabled, actorOf(ctx)),
  'plans.delete': async (i, ctx) => {
    await port(ctx, 'plans').delete(i.id, actorOf(ctx));
    return { ok: true };
  },
  'plans.runNow': async (i, ctx) => port(ctx, 'plans').runNow(i.id, actorOf(ctx)),
  'plans.previewSchedule': async (i, ctx) => port(ctx, 'plans').previewSchedule(i.schedule, i.count),
};

export const jobsHandlers: HandlerMap<keyof typeof jobsCalls> = {
  'jobs.list': async (i, ctx) => port(ctx, 'jobs').list(i),
  'jobs.get': async (i, ctx) => port(ctx, 'jobs').get(i.id),
  'jobs.log': async (i, ctx) => port(ctx, 'jobs').log(i.id, i.afterSeq, i.limit),
  'jobs.cancel': async (i, ctx) => port(ctx, 'jobs').cancel(i.id, actorOf(ctx)),
};

export const snapshotsHandlers: HandlerMap<keyof typeof snapshotsCalls> = {
  'backups.start': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.targetId);
    return port(ctx, 'backups').startManual(i, actorOf(ctx));
  },
  'snapshots.list': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.targetId);
    return port(ctx, 'snapshots').list(i);
  },
  'snapshots.get': async (i, ctx) => port(ctx, 'snapshots').get(i.targetId, i.id),
  'snapshots.browse': async (i, ctx) => port(ctx, 'snapshots').browse(i.targetId, i.id, i.path),
  'snapshots.refresh': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.targetId);
    return port(ctx, 'snapshots').refresh(i.targetId, actorOf(ctx));
  },
  'snapshots.delete': async (i, ctx) => port(ctx, 'snapshots').delete(i.targetId, i.ids, actorOf(ctx)),
  'snapshots.check': async (i, ctx) =>
    port(ctx, 'snapshots').check(i.targetId, i.readDataPercent, actorOf(ctx)),
};

export const restoreHandlers: HandlerMap<keyof typeof restoreCalls> = {
  'restore.preview': async (i, ctx) => port(ctx, 'restore').preview(i),
  'restore.toStaging': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.request.targetId);
    if (i.staging.profileId) {
      const p = ctx.svc.stores.profiles.get(i.staging.profileId);
      if (p.environment === 'production') {
        throw new AppError('FORBIDDEN', `Profile "${p.name}" is a production database, not staging.`, {
          hint: 'Choose a staging or test profile, or restore to production (administrator, with step-up).',
        });
      }
    }
    return port(ctx, 'restore').toStaging(i, actorOf(ctx));
  },
  'restore.toProduction': async (i, ctx) => {
    ctx.svc.stores.targets.get(i.request.targetId);
    if (i.incidentId) ctx.svc.stores.incidents.get(i.incidentId);
    return port(ctx, 'restore').toProduction(
      i.request,
      i.incidentId ? { incidentId: i.incidentId } : {},
      actorOf(ctx),
    );
  },
};
