/** The audit log: filter and search, hash-chain verification status, export as JSONL or CSV. */
import { useState } from 'react';
import { useAction, useCall } from '../api/hooks.js';
import { Badge, Button, Card, Empty, ErrorBox, Loading, SelectField, TextField } from '../components/ui.js';
import { formatTimeShort } from '../lib/format.js';
import { useSession } from '../lib/session.js';
import { download } from './emergency/report.js';

type Outcome = '' | 'ok' | 'denied' | 'error';

export function AuditLog() {
  const { timeZone } = useSession();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<Outcome>('');
  const [search, setSearch] = useState('');
  const [limit, setLimit] = useState(200);
  const input = {
    limit,
    ...(actor.trim() ? { actor: actor.trim() } : {}),
    ...(action.trim() ? { action: action.trim() } : {}),
    ...(outcome ? { outcome } : {}),
  };
  const list = useCall('audit.list', input);
  const verify = useCall('audit.verify', {});
  const exp = useAction('audit.export', { onSuccess: (r) => download(r.filename, r.mediaType, r.content) });
  const q = search.trim().toLowerCase();
  const rows = (list.data ?? []).filter(
    (e) => !q || `${e.actor} ${e.action} ${e.target} ${JSON.stringify(e.params)}`.toLowerCase().includes(q),
  );

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Audit log</h1>
        <div className="form-actions">
          <Button onClick={() => exp.mutate({ format: 'jsonl' })} disabled={exp.isPending}>
            Export JSONL
          </Button>
          <Button onClick={() => exp.mutate({ format: 'csv' })} disabled={exp.isPending}>
            Export CSV
          </Button>
        </div>
      </div>
      {exp.isError ? <ErrorBox error={exp.error} title="Export" /> : null}
      <div role="status" aria-live="polite">
        {verify.isPending ? <Loading what="the chain check" /> : null}
        {verify.isError ? <ErrorBox error={verify.error} title="Chain verification" /> : null}
        {verify.data ? (
          verify.data.ok ? (
            <p className="banner banner-ok">
              Chain verified: all {verify.data.entries} entries are intact (none edited, removed or
              reordered).{' '}
              <Button variant="quiet" onClick={() => void verify.refetch()}>
                Verify again
              </Button>
            </p>
          ) : (
            <p className="banner banner-bad">
              Chain broken at entry #{verify.data.firstBadSeq}: {verify.data.reason ?? 'an entry was changed'}
              . Report this to the system administrator.
            </p>
          )
        ) : null}
      </div>
      <Card title="Entries">
        <div className="filters">
          <TextField
            label="Search"
            value={search}
            onChange={setSearch}
            placeholder="restore, admin, job id…"
          />
          <TextField label="Actor" value={actor} onChange={setActor} />
          <TextField label="Action" value={action} onChange={setAction} placeholder="restore.toStaging" />
          <SelectField
            label="Outcome"
            value={outcome}
            onChange={setOutcome}
            options={[
              { value: '', label: 'Any' },
              { value: 'ok', label: 'Allowed' },
              { value: 'denied', label: 'Denied' },
              { value: 'error', label: 'Error' },
            ]}
          />
        </div>
        {list.isPending ? <Loading what="audit entries" /> : null}
        {list.isError ? <ErrorBox error={list.error} title="Audit entries" /> : null}
        {list.data && rows.length === 0 ? <Empty>No entries match.</Empty> : null}
        {rows.length > 0 ? (
          <table className="table compact" aria-label="Audit entries">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time ({timeZone})</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{formatTimeShort(e.time, timeZone)}</td>
                  <td>
                    {e.actor} {e.role ? <span className="muted small">({e.role})</span> : null}
                  </td>
                  <td className="mono">{e.action}</td>
                  <td className="mono small">{e.target}</td>
                  <td>
                    <Badge tone={e.outcome === 'ok' ? 'ok' : 'bad'}>
                      {e.outcome === 'ok' ? 'allowed' : e.outcome}
                    </Badge>
                    {e.code ? <div className="small">{e.code}</div> : null}
                  </td>
                  <td className="small params">
                    <Params params={e.params} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {list.data && list.data.length >= limit ? (
          <Button onClick={() => setLimit(Math.min(1000, limit + 200))}>Show more</Button>
        ) : null}
      </Card>
    </div>
  );
}

function Params({ params }: { params: Record<string, unknown> }) {
  const keys = Object.keys(params);
  if (keys.length === 0) return null;
  const short = keys
    .map((k) => {
      const v = params[k];
      return `${k}=${typeof v === 'object' ? '…' : String(v)}`;
    })
    .join(', ');
  return (
    <details>
      <summary>{short.length > 60 ? `${short.slice(0, 60)}…` : short}</summary>
      <pre className="mono">{JSON.stringify(params, null, 2)}</pre>
    </details>
  );
}
