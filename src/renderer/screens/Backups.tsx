/** Admin Settings › System › Backups: the backup list with filters, and Create Manual Backup. */
import { useQueries } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Job, JobState, Snapshot, StorageTarget } from '../../shared/contract/index.js';
import { api } from '../api/client.js';
import { queryKey, useCall } from '../api/hooks.js';
import { Button, Card, Empty, ErrorBox, Loading, SelectField } from '../components/ui.js';
import { formatBytes, formatDuration, formatTimeShort } from '../lib/format.js';
import { href, navigate } from '../lib/router.js';
import { useCan, useSession } from '../lib/session.js';
import { COMPONENT_LABEL, JobStateBadge } from '../lib/status.js';
import { ManualBackup } from './ManualBackup.js';

interface Row {
  key: string;
  name: string;
  time: string;
  plan?: string;
  components: string[];
  targetId?: string;
  state: JobState;
  bytes?: number;
  durationMs?: number;
  jobId?: string;
  snapshotId?: string;
  error?: string;
}

function useRows(targets: StorageTarget[]) {
  const jobs = useCall('jobs.list', { kind: 'backup', limit: 200 });
  const snaps = useQueries({
    queries: targets.map((t) => {
      const input = { targetId: t.id, limit: 500 };
      return { queryKey: queryKey('snapshots.list', input), queryFn: () => api['snapshots.list'](input) };
    }),
  });
  const snapshots: Snapshot[] = snaps.flatMap((q) => q.data ?? []);
  const rows = useMemo(() => merge(jobs.data ?? [], snapshots), [jobs.data, snapshots]);
  const error = jobs.error ?? snaps.find((q) => q.error)?.error;
  return { rows, pending: jobs.isPending, error };
}

function merge(jobs: Job[], snapshots: Snapshot[]): Row[] {
  const used = new Set<string>();
  const rows: Row[] = jobs.map((j) => {
    const sid = typeof j.result?.snapshotId === 'string' ? j.result.snapshotId : undefined;
    const snap = sid
      ? snapshots.find((s) => s.id === sid || s.id.startsWith(sid) || sid.startsWith(s.id))
      : undefined;
    if (snap) used.add(snap.id);
    return {
      key: `job-${j.id}`,
      name: snap?.name ?? j.title,
      time: j.finishedAt ?? j.startedAt ?? j.createdAt,
      ...(snap?.plan ? { plan: snap.plan } : j.planId ? { plan: j.planId } : {}),
      components: snap?.components.map((c) => c.type) ?? [],
      ...((snap?.targetId ?? j.targetId) ? { targetId: snap?.targetId ?? j.targetId } : {}),
      state: j.state,
      ...(snap
        ? { bytes: snap.summary.bytes, durationMs: snap.summary.durationMs, snapshotId: snap.id }
        : {}),
      jobId: j.id,
      ...(j.error ? { error: j.error.message } : {}),
    };
  });
  for (const s of snapshots) {
    if (used.has(s.id)) continue;
    rows.push({
      key: `snap-${s.targetId}-${s.id}`,
      name: s.name ?? s.plan ?? `${s.kind} backup`,
      time: s.time,
      ...(s.plan ? { plan: s.plan } : {}),
      components: s.components.map((c) => c.type),
      targetId: s.targetId,
      state: 'succeeded',
      bytes: s.summary.bytes,
      durationMs: s.summary.durationMs,
      snapshotId: s.id,
    });
  }
  return rows.sort((a, b) => b.time.localeCompare(a.time));
}

const COMPONENT_FILTER: Record<string, string[]> = {
  database: ['postgres', 'mariadb'],
  files: ['files'],
  config: ['config'],
};

export function Backups({ params }: { params: URLSearchParams }) {
  const { timeZone } = useSession();
  const can = useCan();
  const targets = useCall('storage.list', {});
  const plans = useCall('plans.list', {});
  const { rows, pending, error } = useRows(targets.data ?? []);
  const [plan, setPlan] = useState('');
  const [component, setComponent] = useState('');
  const [storage, setStorage] = useState('');
  const [status, setStatus] = useState('');
  const [highlight, setHighlight] = useState<string>();
  const wizard = params.get('new') === '1';

  const planName = (p?: string) => plans.data?.find((x) => x.id === p || x.name === p)?.name ?? p ?? 'Manual';
  const targetName = (id?: string) => targets.data?.find((t) => t.id === id)?.name ?? id ?? '—';
  const shown = rows.filter(
    (r) =>
      (!plan || (plan === 'manual' ? !r.plan : planName(r.plan) === plan)) &&
      (!component || r.components.some((c) => COMPONENT_FILTER[component]?.includes(c))) &&
      (!storage || r.targetId === storage) &&
      (!status || r.state === status),
  );

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Backups</h1>
        {can('backups.start') && !wizard ? (
          <Button variant="primary" onClick={() => navigate('backups?new=1')}>
            Create Manual Backup
          </Button>
        ) : null}
      </div>
      {wizard && can('backups.start') ? (
        <ManualBackup onClose={() => navigate('backups')} onCompleted={(j) => setHighlight(j.id)} />
      ) : null}
      <Card title="Backup list">
        <div className="filters">
          <SelectField
            label="Plan"
            value={plan}
            onChange={setPlan}
            options={[
              { value: '', label: 'All plans' },
              { value: 'manual', label: 'Manual backups' },
              ...(plans.data ?? []).map((p) => ({ value: p.name, label: p.name })),
            ]}
          />
          <SelectField
            label="Component"
            value={component}
            onChange={setComponent}
            options={[
              { value: '', label: 'All components' },
              { value: 'database', label: 'Database' },
              { value: 'files', label: 'File uploads' },
              { value: 'config', label: 'Configuration files' },
            ]}
          />
          <SelectField
            label="Storage"
            value={storage}
            onChange={setStorage}
            options={[
              { value: '', label: 'All storage' },
              ...(targets.data ?? []).map((t) => ({ value: t.id, label: t.name })),
            ]}
          />
          <SelectField
            label="Status"
            value={status}
            onChange={setStatus}
            options={[
              { value: '', label: 'Any status' },
              { value: 'succeeded', label: 'Completed' },
              { value: 'failed', label: 'Failed' },
              { value: 'running', label: 'Running' },
              { value: 'cancelled', label: 'Cancelled' },
            ]}
          />
        </div>
        {pending ? <Loading what="backups" /> : null}
        {error ? <ErrorBox error={error} title="Backup list" /> : null}
        {!pending && !error && shown.length === 0 ? (
          <Empty>{rows.length === 0 ? 'No backups yet.' : 'No backups match these filters.'}</Empty>
        ) : null}
        {shown.length > 0 ? (
          <table className="table" aria-label="Backups">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Time ({timeZone})</th>
                <th scope="col">Plan</th>
                <th scope="col">Components</th>
                <th scope="col">Storage</th>
                <th scope="col">Size</th>
                <th scope="col">Duration</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.key} className={highlight && r.jobId === highlight ? 'highlight' : undefined}>
                  <th scope="row">
                    {r.name}
                    {r.snapshotId ? (
                      <div className="small muted mono">{r.snapshotId.slice(0, 12)}</div>
                    ) : null}
                  </th>
                  <td>{formatTimeShort(r.time, timeZone)}</td>
                  <td>{planName(r.plan)}</td>
                  <td>{r.components.map((c) => COMPONENT_LABEL[c] ?? c).join(', ') || '—'}</td>
                  <td>{targetName(r.targetId)}</td>
                  <td>{formatBytes(r.bytes)}</td>
                  <td>{formatDuration(r.durationMs)}</td>
                  <td>
                    <JobStateBadge state={r.state} />
                    {r.error ? <div className="small bad-text">{r.error}</div> : null}
                    {r.jobId ? (
                      <div>
                        <a className="small" href={href(`jobs/${r.jobId}`)}>
                          Log
                        </a>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
    </div>
  );
}
