/** Dashboard side panels: restore-test compliance, recent problems, storage posture, key rotation. */
import type {
  DashboardSummary,
  Job,
  KeyStatus,
  RestoreTestKind,
  TargetPosture,
} from '../../shared/contract/index.js';
import { useCall } from '../api/hooks.js';
import { Badge, Card, Empty } from '../components/ui.js';
import { formatTime, relative } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { JobStateBadge } from '../lib/status.js';

export const TEST_LABEL: Record<RestoreTestKind, string> = {
  database: 'Database-only recovery (weekly)',
  partial: 'Partial recovery (monthly)',
  full: 'Full recovery (quarterly)',
};

export function CompliancePanel({ due }: { due: DashboardSummary['restoreTests'] }) {
  const { timeZone } = useSession();
  return (
    <Card title="Restore-test compliance" actions={<a href={href('restore-tests')}>Restore tests</a>}>
      {due.length === 0 ? (
        <Empty>No restore-test schedule yet.</Empty>
      ) : (
        <ul className="compliance">
          {due.map((d) => (
            <li key={d.kind} className={d.overdue ? 'overdue' : ''}>
              <div>
                <strong>{TEST_LABEL[d.kind]}</strong>
              </div>
              <div className="small">
                Last: {d.lastAt ? `${formatTime(d.lastAt, timeZone)} (${d.lastOutcome ?? '—'})` : 'never'}
              </div>
              <div className="small">
                {d.overdue ? (
                  <Badge tone="bad">Overdue since {formatTime(d.dueAt, timeZone)}</Badge>
                ) : (
                  <>
                    Due {formatTime(d.dueAt, timeZone)} ({relative(d.dueAt)})
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function RecentProblems({ jobs }: { jobs: Job[] }) {
  const { timeZone } = useSession();
  const problems = jobs.filter((j) => j.state === 'failed' || j.warnings > 0).slice(0, 8);
  return (
    <Card title="Recent errors and warnings">
      {problems.length === 0 ? (
        <Empty>No errors or warnings in recent jobs.</Empty>
      ) : (
        <ul className="problems">
          {problems.map((j) => (
            <li key={j.id}>
              <div>
                <JobStateBadge state={j.state} /> <strong>{j.title}</strong>{' '}
                <span className="small muted">{formatTime(j.finishedAt ?? j.createdAt, timeZone)}</span>
              </div>
              {j.error ? (
                <div className="problem-msg">
                  {j.error.message}
                  {j.error.hint ? <div className="small">What to do: {j.error.hint}</div> : null}
                </div>
              ) : (
                <div className="problem-msg">{j.warnings} warning(s)</div>
              )}
              <a href={href(`jobs/${j.id}`)}>Open the job log</a>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

const POSTURE_TONE = { ok: 'ok', warning: 'warn', failed: 'bad', unknown: 'muted' } as const;

export function PosturePanel({ posture }: { posture: TargetPosture[] }) {
  const { timeZone } = useSession();
  const storage = useCall('storage.list', {});
  const name = (id: string) => storage.data?.find((t) => t.id === id)?.name ?? id;
  return (
    <Card title="Storage posture">
      {posture.length === 0 ? (
        <Empty>No storage checks yet.</Empty>
      ) : (
        posture.map((p) => (
          <div key={p.targetId} className="posture">
            <h3>
              {name(p.targetId)}{' '}
              <span className="small muted">checked {formatTime(p.checkedAt, timeZone)}</span>
            </h3>
            <ul>
              {p.checks.map((c) => (
                <li key={c.id}>
                  <Badge tone={POSTURE_TONE[c.status]}>{c.status}</Badge> <strong>{c.title}</strong> —{' '}
                  {c.detail}
                  {c.hint ? <div className="small">What to do: {c.hint}</div> : null}
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
    </Card>
  );
}

export function KeysPanel({ keys }: { keys: KeyStatus[] }) {
  const { timeZone } = useSession();
  const storage = useCall('storage.list', {});
  const name = (id: string) => storage.data?.find((t) => t.id === id)?.name ?? id;
  return (
    <Card title="Encryption keys" actions={<a href={href('settings/keys')}>Keys and rotation</a>}>
      {keys.length === 0 ? (
        <Empty>No encrypted repositories yet.</Empty>
      ) : (
        <ul className="keys">
          {keys.map((k) => (
            <li key={k.targetId}>
              <strong>{name(k.targetId)}</strong>{' '}
              {!k.initialized ? (
                <Badge tone="warn">Not initialised</Badge>
              ) : k.rotationOverdue ? (
                <Badge tone="bad">Rotation overdue</Badge>
              ) : (
                <Badge tone="ok">OK</Badge>
              )}
              <div className="small">
                Rotation due: {k.nextRotationDue ? formatTime(k.nextRotationDue, timeZone) : '—'}
                {k.lastRotationAt ? ` · last ${formatTime(k.lastRotationAt, timeZone)}` : ''}
              </div>
              <div className="small muted">{k.slots.map((s) => s.type).join(', ') || 'no key slots'}</div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
