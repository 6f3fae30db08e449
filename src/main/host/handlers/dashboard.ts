/** The home screen, composed from the ports and the catalog; a missing port leaves its part empty. */
import type { DashboardSummary, dashboardCalls } from '../../../shared/contract/dashboard.js';
import type { HandlerCtx, HandlerMap } from '../context.js';
import { restoreTestsHandlers } from './records.js';

async function orEmpty<T>(p: Promise<T[]> | undefined): Promise<T[]> {
  if (!p) return [];
  try {
    return await p;
  } catch {
    return [];
  }
}

async function summary(ctx: HandlerCtx): Promise<DashboardSummary> {
  const { ports, stores, clock } = ctx.svc;
  const now = clock.now();
  const [plans, running, recent, keys, posture] = await Promise.all([
    orEmpty(ports.plans?.list()),
    orEmpty(ports.jobs?.list({ state: 'running', limit: 50 })),
    orEmpty(ports.jobs?.list({ limit: 20 })),
    orEmpty(ports.keys?.status()),
    orEmpty(ports.posture?.get()),
  ]);
  const restoreTests = await restoreTestsHandlers['restoreTests.due']({}, ctx);
  const openIncidents = stores.incidents.list().filter((i) => i.status !== 'closed');
  const pendingApprovals = stores.approvals
    .list(now)
    .filter((a) => a.state === 'pending' || a.state === 'approved');
  const attention: DashboardSummary['attention'] = [];
  for (const p of plans) {
    if (p.status.health === 'failed' || p.status.health === 'overdue') {
      attention.push({
        severity: 'critical',
        title: `Plan "${p.name}" ${p.status.health}`,
        detail: 'Check the job log.',
        link: `plans/${p.id}`,
      });
    }
  }
  for (const t of restoreTests) {
    if (t.overdue)
      attention.push({
        severity: 'warning',
        title: `${t.kind} recovery test due`,
        detail: `Every ${t.everyDays} days.`,
        link: 'restore-tests',
      });
  }
  for (const k of keys) {
    if (k.rotationOverdue)
      attention.push({
        severity: 'warning',
        title: 'Key rotation overdue',
        detail: `Target ${k.targetId}.`,
        link: 'keys',
      });
  }
  for (const tp of posture) {
    for (const c of tp.checks) {
      if (c.status === 'failed')
        attention.push({ severity: 'critical', title: c.title, detail: c.detail, link: 'storage' });
    }
  }
  for (const i of openIncidents)
    attention.push({
      severity: 'critical',
      title: `Incident: ${i.title}`,
      detail: i.status,
      link: `incidents/${i.id}`,
    });
  const overall = attention.some((a) => a.severity === 'critical')
    ? 'critical'
    : attention.length
      ? 'warning'
      : 'ok';
  return {
    generatedAt: now.toISOString(),
    overall,
    attention,
    plans,
    runningJobs: running,
    recentJobs: recent,
    restoreTests,
    keys,
    posture,
    openIncidents,
    pendingApprovals: pendingApprovals.map(({ rawRequest: _r, ...a }) => a),
  };
}

export const dashboardHandlers: HandlerMap<keyof typeof dashboardCalls> = {
  'dashboard.summary': async (_i, ctx) => summary(ctx),
};
