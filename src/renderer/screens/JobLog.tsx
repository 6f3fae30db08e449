/** One job: its state, error, result and log lines (errors and warnings highlighted). */
import { useCall } from '../api/hooks.js';
import { JobProgressPanel } from '../components/JobProgressPanel.js';
import { Card, Empty, ErrorBox, KeyValue, Loading } from '../components/ui.js';
import { formatDuration, formatTime, formatTimeShort } from '../lib/format.js';
import { useSession } from '../lib/session.js';
import { isActive, JobStateBadge } from '../lib/status.js';

export function JobLog({ id }: { id: string }) {
  const { timeZone } = useSession();
  const job = useCall('jobs.get', { id });
  const log = useCall('jobs.log', { id, afterSeq: 0, limit: 1000 });

  if (job.isPending) return <Loading what="the job" />;
  if (job.isError) return <ErrorBox error={job.error} title="Job" />;
  const j = job.data;
  const duration =
    j.startedAt && j.finishedAt
      ? new Date(j.finishedAt).getTime() - new Date(j.startedAt).getTime()
      : undefined;

  return (
    <div className="stack">
      <h1>Job log: {j.title}</h1>
      {isActive(j) ? <JobProgressPanel jobId={j.id} /> : null}
      <Card title="Summary">
        <KeyValue
          rows={[
            ['State', <JobStateBadge key="s" state={j.state} />],
            ['Kind', j.kind],
            ['Started by', j.startedBy],
            ['Started', formatTime(j.startedAt ?? j.createdAt, timeZone)],
            ['Finished', formatTime(j.finishedAt, timeZone)],
            ['Duration', formatDuration(duration)],
            ['Warnings', String(j.warnings)],
          ]}
        />
        {j.error ? <ErrorBox error={j.error} title="Why it failed" /> : null}
        {j.result ? (
          <table className="table compact">
            <caption>Result</caption>
            <tbody>
              {Object.entries(j.result).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{String(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
      <Card title="Log">
        {log.isPending ? <Loading what="log lines" /> : null}
        {log.isError ? <ErrorBox error={log.error} title="Log" /> : null}
        {log.data && log.data.length === 0 ? <Empty>No log lines yet.</Empty> : null}
        {log.data && log.data.length > 0 ? (
          <ol className="log" aria-label="Log lines">
            {log.data.map((l) => (
              <li key={l.seq} className={`log-${l.level}`}>
                <time dateTime={l.time}>{formatTimeShort(l.time, timeZone)}</time>
                <span className="lvl">{l.level === 'warn' ? 'WARNING' : l.level.toUpperCase()}</span>
                <span className="msg">{l.message}</span>
              </li>
            ))}
          </ol>
        ) : null}
      </Card>
    </div>
  );
}
