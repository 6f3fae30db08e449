/** Guided restore (DBA): backup, restore type, target, pre-flight, progress, validation report. */
import { useState } from 'react';
import type { Job, RestorePreview, RestoreScope, Snapshot } from '../../shared/contract/index.js';
import { callWithStepUp, useCall } from '../api/hooks.js';
import { JobProgressPanel } from '../components/JobProgressPanel.js';
import { Button, Card, ConfirmDialog, ErrorBox, Steps } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useCan, useSession } from '../lib/session.js';
import { type Dest, DestinationPicker, stagingOf } from './restore/Destination.js';
import { Preflight, productionDatabaseName } from './restore/Preflight.js';
import { SCOPE_LABEL, ScopePicker } from './restore/ScopePicker.js';
import { SnapshotPicker } from './restore/SnapshotPicker.js';
import { ValidationReport } from './restore/ValidationReport.js';

const STEPS = ['Backup', 'Restore type', 'Target', 'Pre-flight check', 'Restore and validate'];

export function Restore({ params }: { params: URLSearchParams }) {
  const { timeZone } = useSession();
  const can = useCan();
  const targets = useCall('storage.list', {});
  const [step, setStep] = useState(0);
  const [targetId, setTargetId] = useState(params.get('target') ?? '');
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [scope, setScope] = useState<RestoreScope>({ kind: 'complete' });
  const [dest, setDest] = useState<Dest>({ where: 'staging', directory: '', profileId: '' });
  const [preview, setPreview] = useState<RestorePreview>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [jobId, setJobId] = useState<string>();
  const [done, setDone] = useState<Job>();

  const effectiveTarget =
    targetId || targets.data?.find((t) => t.role === 'primary')?.id || targets.data?.[0]?.id || '';
  const request = snapshot ? { targetId: effectiveTarget, snapshotId: snapshot.id, scope } : undefined;
  const stagingReady = dest.where === 'production' || Boolean(dest.directory.trim() || dest.profileId);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const loadPreview = () =>
    run(async () => {
      if (!request) return;
      const destination = dest.where === 'production' ? ('production' as const) : stagingOf(dest);
      setPreview(await callWithStepUp('restore.preview', { request, destination }));
      setStep(3);
    });
  const start = () =>
    run(async () => {
      if (!request) return;
      const r =
        dest.where === 'production'
          ? await callWithStepUp('restore.toProduction', { request })
          : await callWithStepUp('restore.toStaging', { request, staging: stagingOf(dest) });
      setConfirm(false);
      setJobId(r.jobId);
      setStep(4);
    });

  return (
    <div className="stack">
      <h1>Restore</h1>
      <Steps steps={STEPS} current={step} />
      {snapshot && step > 0 ? (
        <p className="muted">
          Backup: <strong>{formatTime(snapshot.time, timeZone)}</strong> · {snapshot.name ?? snapshot.plan} ·{' '}
          {step > 1 ? SCOPE_LABEL[scope.kind] : ''} {step > 2 ? `· to ${dest.where}` : ''}
        </p>
      ) : null}
      {step === 0 ? (
        <Card title="1. Select the backup to restore">
          <SnapshotPicker
            targetId={effectiveTarget}
            onTarget={setTargetId}
            selected={snapshot?.id}
            onSelect={setSnapshot}
          />
          <div className="form-actions">
            <Button variant="primary" disabled={!snapshot} onClick={() => setStep(1)}>
              Next: restore type
            </Button>
          </div>
        </Card>
      ) : null}
      {step === 1 && snapshot ? (
        <Card title="2. Choose restoration options">
          <ScopePicker snapshot={snapshot} targetId={effectiveTarget} value={scope} onChange={setScope} />
          <div className="form-actions">
            <Button onClick={() => setStep(0)}>Back</Button>
            <Button
              variant="primary"
              disabled={scope.kind === 'selective' && scope.include.length === 0}
              onClick={() => setStep(2)}
            >
              Next: target
            </Button>
          </div>
        </Card>
      ) : null}
      {step === 2 ? (
        <Card title="3. Confirm the restoration target">
          <DestinationPicker
            value={dest}
            onChange={setDest}
            productionAllowed={can('restore.toProduction')}
            productionNote="Only an administrator can restore to production. In an emergency, use Emergency Recovery to ask an administrator to approve it."
          />
          {error ? <ErrorBox error={error} title="Pre-flight check failed" /> : null}
          <div className="form-actions">
            <Button onClick={() => setStep(1)}>Back</Button>
            <Button variant="primary" disabled={busy || !stagingReady} onClick={() => void loadPreview()}>
              {busy ? 'Checking…' : 'Next: pre-flight check'}
            </Button>
          </div>
        </Card>
      ) : null}
      {step === 3 && preview ? (
        <Card title="4. Pre-flight summary">
          <Preflight preview={preview} />
          {error ? <ErrorBox error={error} title="The restore did not start" /> : null}
          <div className="form-actions">
            <Button onClick={() => setStep(2)}>Back</Button>
            <Button
              variant={dest.where === 'production' ? 'danger' : 'primary'}
              disabled={busy}
              onClick={() => (dest.where === 'production' ? setConfirm(true) : void start())}
            >
              {dest.where === 'production' ? 'Restore to production…' : 'Start restore to staging'}
            </Button>
          </div>
          <ConfirmDialog
            open={confirm}
            title="Restore to production?"
            confirmLabel="Overwrite production"
            danger
            busy={busy}
            typeToConfirm={productionDatabaseName(preview)}
            onCancel={() => setConfirm(false)}
            onConfirm={() => void start()}
          >
            <p>
              This <strong>replaces the live data</strong> listed above with the backup of{' '}
              {formatTime(preview.snapshot.time, timeZone)}. Changes made since then are lost. A safety backup
              of the current state is taken first.
            </p>
          </ConfirmDialog>
        </Card>
      ) : null}
      {step === 4 && jobId ? (
        <Card title="5. Restore progress and validation">
          <JobProgressPanel jobId={jobId} cancelLabel="Cancel restore" onFinished={setDone} />
          {done?.state === 'succeeded' ? <ValidationReport job={done} /> : null}
        </Card>
      ) : null}
    </div>
  );
}
