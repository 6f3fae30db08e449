/** Plans and schedules: pause/resume, run now, change schedule (with a preview), delete, add defaults. */
import { useState } from 'react';
import type { Plan } from '../../../shared/contract/index.js';
import { useAction, useCall } from '../../api/hooks.js';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  Empty,
  ErrorBox,
  Loading,
  TextField,
} from '../../components/ui.js';
import { describeCron, formatTime } from '../../lib/format.js';
import { href } from '../../lib/router.js';
import { useCan } from '../../lib/session.js';
import { SetupPlans } from '../setup/SetupPlans.js';

const INV = ['plans.list', 'dashboard.summary'] as const;

export function PlansSettings() {
  const can = useCan();
  const plans = useCall('plans.list', {});
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string>();
  const [deleting, setDeleting] = useState<Plan>();
  const setEnabled = useAction('plans.setEnabled', { invalidates: [...INV] });
  const runNow = useAction('plans.runNow', { invalidates: ['jobs.list', ...INV] });
  const del = useAction('plans.delete', { invalidates: [...INV], onSuccess: () => setDeleting(undefined) });
  const admin = can('plans.update');

  return (
    <Card
      title="Plans and schedules"
      actions={admin && !adding ? <Button onClick={() => setAdding(true)}>Add default plans</Button> : null}
    >
      {adding ? <SetupPlans onDone={() => setAdding(false)} /> : null}
      {plans.isPending ? <Loading what="plans" /> : null}
      {plans.isError ? <ErrorBox error={plans.error} title="Plans" /> : null}
      {plans.data?.length === 0 && !adding ? (
        <Empty>No plans yet. Add the default plans from the backup procedures.</Empty>
      ) : null}
      {(
        [
          ['setEnabled', setEnabled],
          ['runNow', runNow],
          ['del', del],
        ] as const
      ).map(([k, m]) =>
        m.isError ? <ErrorBox key={k} error={m.error} title="The change was not saved" /> : null,
      )}
      {runNow.isSuccess ? (
        <p className="banner banner-ok" role="status">
          Started. <a href={href(`jobs/${runNow.data.jobId}`)}>Follow the job</a>
        </p>
      ) : null}
      {plans.data && plans.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
              <th scope="col">Keep</th>
              <th scope="col">State</th>
              {admin ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {plans.data.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  {p.name}
                  <div className="small muted">
                    {p.kind} · {p.components.map((c) => c.name).join(', ')}
                  </div>
                </th>
                <td>
                  {editing === p.id ? (
                    <ScheduleEditor plan={p} onDone={() => setEditing(undefined)} />
                  ) : (
                    <>
                      {describeCron(p.schedule.cron, p.schedule.timeZone)}
                      <div className="small muted mono">
                        {p.schedule.cron} · {p.schedule.timeZone}
                      </div>
                    </>
                  )}
                </td>
                <td>{p.enabled ? formatTime(p.status.nextRunAt, p.schedule.timeZone) : '—'}</td>
                <td>
                  {p.retention.keepForever
                    ? 'Indefinitely'
                    : [
                        p.retention.keepDays && `${p.retention.keepDays} days`,
                        p.retention.keepWeeks && `${p.retention.keepWeeks} weeks`,
                        p.retention.keepLast && `last ${p.retention.keepLast}`,
                      ]
                        .filter(Boolean)
                        .join(', ')}
                </td>
                <td>{p.enabled ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Paused</Badge>}</td>
                {admin ? (
                  <td>
                    <div className="actions">
                      <Button onClick={() => runNow.mutate({ id: p.id })}>Run now</Button>
                      <Button onClick={() => setEnabled.mutate({ id: p.id, enabled: !p.enabled })}>
                        {p.enabled ? 'Pause' : 'Resume'}
                      </Button>
                      <Button onClick={() => setEditing(p.id)}>Change schedule</Button>
                      <Button variant="danger" onClick={() => setDeleting(p)}>
                        Delete
                      </Button>
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ConfirmDialog
        open={Boolean(deleting)}
        title={`Delete the plan “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete plan"
        danger
        busy={del.isPending}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => deleting && del.mutate({ id: deleting.id })}
      >
        <p>
          The plan stops running. Its existing backups stay in storage and can still be restored; retention no
          longer removes them automatically.
        </p>
      </ConfirmDialog>
    </Card>
  );
}

function ScheduleEditor({ plan, onDone }: { plan: Plan; onDone: () => void }) {
  const [cron, setCron] = useState(plan.schedule.cron);
  const [tz, setTz] = useState(plan.schedule.timeZone);
  const preview = useCall(
    'plans.previewSchedule',
    { schedule: { cron, timeZone: tz }, count: 3 },
    { enabled: /^(\S+\s+){4}\S+$/.test(cron.trim()) },
  );
  const { id, createdAt: _c, updatedAt: _u, status: _s, ...input } = plan;
  const save = useAction('plans.update', {
    invalidates: ['plans.list', 'dashboard.summary'],
    onSuccess: onDone,
  });
  return (
    <div className="schedule-editor">
      <TextField label="Cron (minute hour day month weekday)" value={cron} onChange={setCron} />
      <TextField label="Time zone" value={tz} onChange={setTz} />
      <div className="small">
        {preview.data
          ? `Next: ${preview.data.map((t) => formatTime(t, tz)).join('; ')}`
          : preview.isError
            ? 'Not a valid schedule.'
            : ''}
      </div>
      {save.isError ? <ErrorBox error={save.error} title="Not saved" /> : null}
      <Button
        variant="primary"
        onClick={() =>
          save.mutate({ id, plan: { ...input, schedule: { cron: cron.trim(), timeZone: tz.trim() } } })
        }
      >
        Save
      </Button>
      <Button onClick={onDone}>Cancel</Button>
    </div>
  );
}
