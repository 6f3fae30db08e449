/** "Create Manual Backup": name, components, target, Start Backup, live progress, confirmation. */
import { useState } from 'react';
import type { Job } from '../../shared/contract/index.js';
import { useAction, useCall } from '../api/hooks.js';
import { JobProgressPanel } from '../components/JobProgressPanel.js';
import { Button, Card, ErrorBox, SelectField, TextField } from '../components/ui.js';
import { formatBytes, isoDateIn } from '../lib/format.js';
import { useSession } from '../lib/session.js';

type Sel = 'all' | 'database' | 'files' | 'config';
const CHOICES: { value: Sel; label: string }[] = [
  { value: 'database', label: 'Database' },
  { value: 'files', label: 'File uploads' },
  { value: 'config', label: 'Configuration files' },
  { value: 'all', label: 'All components (recommended)' },
];

export function ManualBackup({
  onClose,
  onCompleted,
}: {
  onClose: () => void;
  onCompleted: (j: Job) => void;
}) {
  const { timeZone } = useSession();
  const targets = useCall('storage.list', {});
  const [name, setName] = useState(`Pre-update backup ${isoDateIn(timeZone)}`);
  const [sel, setSel] = useState<Set<Sel>>(new Set(['all']));
  const [targetId, setTargetId] = useState('');
  const [jobId, setJobId] = useState<string>();
  const [finished, setFinished] = useState<Job>();
  const start = useAction('backups.start', {
    invalidates: ['jobs.list'],
    onSuccess: (r) => setJobId(r.jobId),
  });

  const list = targets.data ?? [];
  const effectiveTarget = targetId || list.find((t) => t.role === 'primary')?.id || list[0]?.id || '';

  const toggle = (v: Sel) => {
    if (v === 'all') return setSel(new Set(['all']));
    const next = new Set(sel);
    next.delete('all');
    if (next.has(v)) next.delete(v);
    else next.add(v);
    setSel(next.size === 0 ? new Set(['all']) : next);
  };

  if (jobId) {
    return (
      <Card title="Create Manual Backup">
        <JobProgressPanel
          jobId={jobId}
          cancelLabel="Cancel backup"
          onFinished={(j) => {
            setFinished(j);
            if (j.state === 'succeeded') onCompleted(j);
          }}
        />
        {finished?.state === 'succeeded' ? (
          <div className="banner banner-ok" role="status">
            <strong>Backup completed.</strong> “{name}” was saved
            {finished.result?.snapshotId ? (
              <>
                {' '}
                as snapshot <code>{String(finished.result.snapshotId).slice(0, 12)}</code>
              </>
            ) : null}
            {typeof finished.result?.bytes === 'number' ? ` (${formatBytes(finished.result.bytes)})` : ''}. It
            is shown in the backup list below with status Completed.
          </div>
        ) : null}
        {finished && finished.state !== 'succeeded' ? (
          <div className="banner banner-bad" role="alert">
            The backup did not complete ({finished.state}). Nothing partial was saved. Open the job log for
            details.
          </div>
        ) : null}
        {finished ? (
          <div className="form-actions">
            <Button onClick={onClose}>Close</Button>
          </div>
        ) : null}
      </Card>
    );
  }

  return (
    <Card title="Create Manual Backup">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate({ name: name.trim(), select: [...sel], targetId: effectiveTarget, tags: ['manual'] });
        }}
      >
        <p className="muted">
          Take one before database migrations, major software updates, structure changes or new modules.
        </p>
        <TextField
          label="Descriptive name"
          value={name}
          onChange={setName}
          autoFocus
          help='For example "Pre-update backup 2024-03-16".'
        />
        <fieldset>
          <legend>Backup components</legend>
          <div className="choices">
            {CHOICES.map((c) => (
              <label key={c.value} className="check">
                <input type="checkbox" checked={sel.has(c.value)} onChange={() => toggle(c.value)} />{' '}
                {c.label}
              </label>
            ))}
          </div>
        </fieldset>
        {list.length > 0 ? (
          <SelectField
            label="Storage target"
            value={effectiveTarget}
            onChange={setTargetId}
            options={list.map((t) => ({ value: t.id, label: `${t.name} (${t.role}) — ${t.location}` }))}
          />
        ) : (
          <ErrorBox error={new Error('There is no storage target yet. Add one in Settings › Storage.')} />
        )}
        {start.isError ? <ErrorBox error={start.error} title="The backup did not start" /> : null}
        <div className="form-actions">
          <Button
            type="submit"
            variant="primary"
            disabled={start.isPending || !name.trim() || !effectiveTarget}
          >
            {start.isPending ? 'Starting…' : 'Start Backup'}
          </Button>
          <Button onClick={onClose}>Close</Button>
        </div>
      </form>
    </Card>
  );
}
