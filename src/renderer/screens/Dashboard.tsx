/** "Automated Backups": is everything protected right now? Plans, tests, keys, posture, errors. */
import { useQueries } from '@tanstack/react-query';
import type { DashboardSummary, Plan, Snapshot } from '../../shared/contract/index.js';
import { api } from '../api/client.js';
import { queryKey, useCall } from '../api/hooks.js';
import { JobProgressPanel } from '../components/JobProgressPanel.js';
import { Sparkline } from '../components/Sparkline.js';
import { Badge, Card, Empty, ErrorBox, Loading } from '../components/ui.js';
import { describeCron, formatBytes, formatDuration, formatTime, relative } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { planRunStatus } from '../lib/status.js';
import { CompliancePanel, KeysPanel, PosturePanel, RecentProblems } from './DashboardPanels.js';

export function Dashboard() {
  const summary = useCall('dashboard.summary', {});
  if (summary.isPending) return <Loading what="the dashboard" />;
  if (summary.isError) return <ErrorBox error={summary.error} title="Dashboard" />;
  const s = summary.data;
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Automated Backups</h1>
        <Overall s={s} />
      </div>
      {s.attention.length > 0 ? <Attention items={s.attention} /> : null}
      {s.pendingApprovals.length > 0 || s.openIncidents.length > 0 ? (
        <div className="banner banner-warn" role="status">
          {s.openIncidents.length} open incident(s), {s.pendingApprovals.length} restore approval(s) waiting.{' '}
          <a href={href('emergency')}>Open Emergency Recovery</a>
        </div>
      ) : null}
      {s.runningJobs.length > 0 ? (
        <Card title="Running now">
          <div className="stack">
            {s.runningJobs.map((j) => (
              <JobProgressPanel key={j.id} jobId={j.id} />
            ))}
          </div>
        </Card>
      ) : null}
      <PlansCard plans={s.plans} />
      <div className="grid-2 cards">
        <CompliancePanel due={s.restoreTests} />
        <RecentProblems jobs={s.recentJobs} />
      </div>
      <div className="grid-2 cards">
        <PosturePanel posture={s.posture} />
        <KeysPanel keys={s.keys} />
      </div>
    </div>
  );
}

function Overall({ s }: { s: DashboardSummary }) {
  const { timeZone } = useSession();
  const text =
    s.overall === 'ok'
      ? 'All backups are healthy'
      : s.overall === 'warning'
        ? 'Needs attention'
        : 'Action required now';
  return (
    <div className={`overall overall-${s.overall}`} role="status">
      <strong>{text}</strong>
      <span className="muted"> · updated {formatTime(s.generatedAt, timeZone)}</span>
    </div>
  );
}

function Attention({ items }: { items: DashboardSummary['attention'] }) {
  return (
    <ul className="attention" aria-label="Needs attention">
      {items.map((a) => (
        <li key={`${a.title}-${a.link ?? ''}`} className={`att-${a.severity}`}>
          <strong>{a.title}</strong> — {a.detail} {a.link ? <a href={href(a.link)}>Open</a> : null}
        </li>
      ))}
    </ul>
  );
}

function usePlanHistory(plans: Plan[]): Map<string, Snapshot[]> {
  const targets = [...new Set(plans.map((p) => p.targetId))];
  const results = useQueries({
    queries: targets.map((targetId) => {
      const input = { targetId, limit: 500 };
      return { queryKey: queryKey('snapshots.list', input), queryFn: () => api['snapshots.list'](input) };
    }),
  });
  const byPlan = new Map<string, Snapshot[]>();
  for (const r of results) {
    for (const snap of r.data ?? []) {
      const plan = plans.find((p) => snap.plan === p.id || snap.plan === p.name);
      if (!plan) continue;
      const list = byPlan.get(plan.id) ?? [];
      list.push(snap);
      byPlan.set(plan.id, list);
    }
  }
  for (const list of byPlan.values()) list.sort((a, b) => a.time.localeCompare(b.time));
  return byPlan;
}

function PlansCard({ plans }: { plans: Plan[] }) {
  const { timeZone } = useSession();
  const history = usePlanHistory(plans);
  const storage = useCall('storage.list', {});
  const targetName = (id: string) => storage.data?.find((t) => t.id === id)?.name ?? id;
  return (
    <Card title="Plans" actions={<a href={href('settings/plans')}>Manage plans</a>}>
      {plans.length === 0 ? (
        <Empty>
          No backup plans yet. <a href={href('settings/plans')}>Create the default plans</a> from the backup
          procedures.
        </Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Last run</th>
              <th scope="col">Next run</th>
              <th scope="col">Size (last 14)</th>
              <th scope="col">Duration (last 14)</th>
              <th scope="col">Storage</th>
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => {
              const st = planRunStatus(p);
              const snaps = (history.get(p.id) ?? []).slice(-14);
              const last = p.status.lastRun;
              return (
                <tr key={p.id} data-plan={p.name}>
                  <th scope="row">
                    <div>{p.name}</div>
                    <div className="muted small">{describeCron(p.schedule.cron, p.schedule.timeZone)}</div>
                  </th>
                  <td>
                    <Badge tone={st.tone}>{st.label}</Badge>
                    {last?.finishedAt ? <div className="small">{relative(last.finishedAt)}</div> : null}
                    {last && (st.label === 'Failed' || st.label === 'Running') ? (
                      <a className="small" href={href(`jobs/${last.jobId}`)}>
                        Open the log
                      </a>
                    ) : null}
                  </td>
                  <td>
                    {p.enabled && p.status.nextRunAt ? (
                      <>
                        <div>{formatTime(p.status.nextRunAt, p.schedule.timeZone)}</div>
                        <div className="small muted">{relative(p.status.nextRunAt)}</div>
                      </>
                    ) : (
                      <span className="muted">{p.enabled ? 'Not scheduled' : 'Paused'}</span>
                    )}
                    {p.schedule.timeZone !== timeZone ? (
                      <div className="small">plan zone {p.schedule.timeZone}</div>
                    ) : null}
                  </td>
                  <td>
                    <Sparkline values={snaps.map((s) => s.summary.bytes)} label="Size" format={formatBytes} />
                  </td>
                  <td>
                    <Sparkline
                      values={snaps.map((s) => s.summary.durationMs)}
                      label="Duration"
                      format={formatDuration}
                    />
                  </td>
                  <td>{targetName(p.targetId)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
