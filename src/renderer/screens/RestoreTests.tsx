/** Restore tests: schedule and compliance, "Record a test" (the 7 steps), and the history with RTO. */
import { useState } from 'react';
import type { RestoreTestKind } from '../../shared/contract/index.js';
import { useCall } from '../api/hooks.js';
import { Badge, Button, Card, Empty, ErrorBox, Loading } from '../components/ui.js';
import { formatDuration, formatTimeShort } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useCan, useSession } from '../lib/session.js';
import { CompliancePanel, TEST_LABEL } from './DashboardPanels.js';
import { RecordTest } from './RecordTest.js';

const OUTCOME_TONE = { passed: 'ok', failed: 'bad', 'passed-with-issues': 'warn' } as const;

export function RestoreTests() {
  const { timeZone } = useSession();
  const can = useCan();
  const due = useCall('restoreTests.due', {});
  const [kind, setKind] = useState<RestoreTestKind | ''>('');
  const list = useCall('restoreTests.list', kind ? { kind, limit: 100 } : { limit: 100 });
  const [recording, setRecording] = useState(false);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Restore tests</h1>
        {can('restoreTests.record') && !recording ? (
          <Button variant="primary" onClick={() => setRecording(true)}>
            Record a test
          </Button>
        ) : null}
      </div>
      {recording ? <RecordTest onClose={() => setRecording(false)} /> : null}
      {due.isPending ? <Loading what="the test schedule" /> : null}
      {due.isError ? <ErrorBox error={due.error} title="Test schedule" /> : null}
      {due.data ? <CompliancePanel due={due.data} /> : null}
      <Card
        title="History"
        actions={
          <label className="inline">
            Kind{' '}
            <select value={kind} onChange={(e) => setKind(e.target.value as RestoreTestKind | '')}>
              <option value="">All</option>
              <option value="database">Database-only</option>
              <option value="partial">Partial</option>
              <option value="full">Full</option>
            </select>
          </label>
        }
      >
        {list.isPending ? <Loading what="test records" /> : null}
        {list.isError ? <ErrorBox error={list.error} title="Test records" /> : null}
        {list.data?.length === 0 ? <Empty>No restore tests recorded yet.</Empty> : null}
        {list.data && list.data.length > 0 ? (
          <table className="table" aria-label="Restore test history">
            <thead>
              <tr>
                <th scope="col">When ({timeZone})</th>
                <th scope="col">Kind</th>
                <th scope="col">Outcome</th>
                <th scope="col">Time to restore (RTO)</th>
                <th scope="col">Evidence</th>
                <th scope="col">Issues</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((r) => (
                <tr key={r.id}>
                  <td>{formatTimeShort(r.startedAt, timeZone)}</td>
                  <td>{TEST_LABEL[r.kind]}</td>
                  <td>
                    <Badge tone={OUTCOME_TONE[r.outcome]}>{r.outcome}</Badge>
                  </td>
                  <td>
                    {formatDuration(new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime())}
                  </td>
                  <td>
                    <ul className="evidence">
                      {r.checks.map((c) => (
                        <li key={c.name}>
                          {c.ok ? '✔' : '✘'} {c.name}
                          {c.detail ? <span className="muted"> — {c.detail}</span> : null}
                        </li>
                      ))}
                    </ul>
                    <div className="small mono">snapshot {r.snapshotId.slice(0, 12)}</div>
                    {r.jobId ? <a href={href(`jobs/${r.jobId}`)}>Job log</a> : null}
                    {r.notes ? <div className="small">{r.notes}</div> : null}
                  </td>
                  <td>{r.issues || '—'}</td>
                  <td>{r.recordedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
    </div>
  );
}
