/** Steps 5 and 6: confirm the approved options and target, then run the restore with live progress. */
import { useState } from 'react';
import type { Job, RestoreApproval } from '../../../shared/contract/index.js';
import { callWithStepUp } from '../../api/hooks.js';
import { JobProgressPanel } from '../../components/JobProgressPanel.js';
import { Button, ConfirmDialog, ErrorBox, KeyValue } from '../../components/ui.js';
import { formatTime } from '../../lib/format.js';
import { useSession } from '../../lib/session.js';
import { SCOPE_LABEL } from '../restore/ScopePicker.js';
import type { Selection } from './state.js';

export function StepOptions(props: {
  selection: Selection;
  approval: RestoreApproval;
  onBack: () => void;
  onNext: () => void;
}) {
  const { timeZone } = useSession();
  const s = props.selection;
  return (
    <div>
      <p>
        These options were approved by {props.approval.decidedBy ?? 'the administrator'}. Changing them needs
        a new approval.
      </p>
      <KeyValue
        rows={[
          [
            'Backup',
            `${formatTime(s.snapshot.time, timeZone)} · ${s.snapshot.name ?? s.snapshot.plan ?? ''}`,
          ],
          ['Restore type', SCOPE_LABEL[s.scope.kind]],
          ['Target', 'Production (the original locations); a safety backup is taken first'],
          ['Approval valid until', formatTime(props.approval.expiresAt, timeZone)],
        ]}
      />
      <div className="form-actions">
        <Button onClick={props.onBack}>Back</Button>
        <Button variant="primary" onClick={props.onNext}>
          Next: run the restore
        </Button>
      </div>
    </div>
  );
}

export function StepRun(props: {
  approval: RestoreApproval;
  databaseName: string;
  jobId?: string;
  onStarted: (jobId: string) => void;
  onFinished: (j: Job) => void;
  finished?: Job;
  onNext: () => void;
}) {
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await callWithStepUp('emergency.executeRestore', { requestId: props.approval.requestId });
      setConfirm(false);
      props.onStarted(r.jobId);
    } catch (e) {
      setConfirm(false);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (props.jobId) {
    return (
      <div>
        <JobProgressPanel jobId={props.jobId} cancelLabel="Cancel restore" onFinished={props.onFinished} />
        {props.finished ? (
          <div className="form-actions">
            <Button variant="primary" onClick={props.onNext}>
              Next: validate
            </Button>
          </div>
        ) : (
          <p className="small">
            Monitor progress closely. Keep this window open; the restore continues if it closes.
          </p>
        )}
      </div>
    );
  }
  return (
    <div>
      <p>The restore replaces production data. Watch the progress; the contacts are on the right.</p>
      {error ? <ErrorBox error={error} title="The restore did not start" /> : null}
      <Button variant="danger" disabled={busy} onClick={() => setConfirm(true)}>
        Start emergency restore…
      </Button>
      <ConfirmDialog
        open={confirm}
        title="Start the emergency restore?"
        confirmLabel="Restore production now"
        danger
        busy={busy}
        typeToConfirm={props.databaseName}
        onCancel={() => setConfirm(false)}
        onConfirm={() => void start()}
      >
        <p>
          Production data covered by the approved request is <strong>overwritten</strong> with the chosen
          backup. A safety backup of the current state is taken first. You may be asked for your authenticator
          code.
        </p>
      </ConfirmDialog>
    </div>
  );
}
