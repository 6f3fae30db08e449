/**
 * Step 3: an administrator authorizes the restore on this console (username + password + TOTP),
 * without replacing the on-call operator's session. The approval is bound to exactly this request.
 */
import { useState } from 'react';
import type { Incident, RestoreApproval } from '../../../shared/contract/index.js';
import { api } from '../../api/client.js';
import { Badge, Button, ErrorBox, KeyValue, TextField } from '../../components/ui.js';
import { formatTime } from '../../lib/format.js';
import { useSession } from '../../lib/session.js';
import { SCOPE_LABEL } from '../restore/ScopePicker.js';
import type { Assessment, Selection } from './state.js';

export function StepAuthorize(props: {
  assessment: Assessment;
  selection: Selection;
  incident?: Incident;
  approval?: RestoreApproval;
  onIncident: (i: Incident) => void;
  onApproval: (a: RestoreApproval) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { timeZone } = useSession();
  const [reason, setReason] = useState(`${props.assessment.title}: ${props.selection.why}`);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const a = props.approval;
  const s = props.selection;

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

  const requestApproval = () =>
    run(async () => {
      const incident =
        props.incident ??
        (await api['incidents.open']({
          title: props.assessment.title,
          severity: props.assessment.severity,
          dataLoss: props.assessment.dataLoss,
          scope: props.assessment.scope,
          recoveryPlan: `Restore (${SCOPE_LABEL[s.scope.kind]}) from the backup of ${formatTime(s.snapshot.time, timeZone)} to production. ${s.why}`,
        }));
      props.onIncident(incident);
      props.onApproval(
        await api['emergency.requestRestore']({
          incidentId: incident.id,
          request: {
            targetId: s.targetId,
            snapshotId: s.snapshot.id,
            scope: s.scope,
            ...(s.pointInTime ? { pointInTime: s.pointInTime } : {}),
          },
          reason: reason.trim(),
        }),
      );
    });

  const decide = (decision: 'approve' | 'reject') =>
    run(async () => {
      if (!a) return;
      const res = await api['approvals.decide']({
        requestId: a.requestId,
        decision,
        username: username.trim(),
        password,
        totp,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setPassword('');
      setTotp('');
      props.onApproval(res);
    });

  return (
    <div>
      <KeyValue
        rows={[
          ['Backup', `${formatTime(s.snapshot.time, timeZone)} (${s.snapshot.id.slice(0, 12)})`],
          ['Restore type', SCOPE_LABEL[s.scope.kind]],
          ['Target', 'Production'],
          ...(s.pointInTime
            ? ([['Point in time', formatTime(s.pointInTime, timeZone)]] as [string, string][])
            : []),
        ]}
      />
      {!a ? (
        <>
          <TextField label="Reason for the administrator" value={reason} onChange={setReason} />
          {error ? <ErrorBox error={error} title="Could not request the approval" /> : null}
          <div className="form-actions">
            <Button onClick={props.onBack}>Back</Button>
            <Button
              variant="primary"
              disabled={busy || !reason.trim()}
              onClick={() => void requestApproval()}
            >
              {busy ? 'Requesting…' : 'Request administrator approval'}
            </Button>
          </div>
        </>
      ) : (
        <>
          <p>
            Approval request <code>{a.requestId}</code>: <ApprovalBadge state={a.state} />
            {a.decidedBy ? ` by ${a.decidedBy} at ${formatTime(a.decidedAt, timeZone)}` : ''}
            {a.expiresAt && a.state === 'approved'
              ? ` · valid until ${formatTime(a.expiresAt, timeZone)}`
              : ''}
          </p>
          {a.state === 'pending' ? (
            <form
              className="approval-form"
              aria-label="Administrator approval"
              onSubmit={(e) => {
                e.preventDefault();
                void decide('approve');
              }}
            >
              <h3>Administrator: approve on this console</h3>
              <p className="small">
                Hand the keyboard to the system administrator (or call them: contacts are on the right). Their
                sign-in is used only for this decision; the on-call session stays.
              </p>
              <div className="grid-3">
                <TextField
                  label="Administrator username"
                  value={username}
                  onChange={setUsername}
                  autoComplete="off"
                />
                <TextField
                  label="Administrator password"
                  type="password"
                  value={password}
                  onChange={setPassword}
                  autoComplete="off"
                />
                <TextField
                  label="Administrator authenticator code"
                  value={totp}
                  onChange={(v) => setTotp(v.replace(/\D/g, '').slice(0, 6))}
                  inputMode="numeric"
                  autoComplete="off"
                />
              </div>
              <TextField label="Comment (optional)" value={comment} onChange={setComment} />
              {error ? <ErrorBox error={error} title="The decision was not accepted" /> : null}
              <div className="form-actions">
                <Button
                  type="submit"
                  variant="primary"
                  disabled={busy || !username || !password || totp.length !== 6}
                >
                  Approve restore
                </Button>
                <Button
                  variant="danger"
                  disabled={busy || !username || !password || totp.length !== 6}
                  onClick={() => void decide('reject')}
                >
                  Reject
                </Button>
              </div>
            </form>
          ) : null}
          {a.state === 'rejected' ? (
            <p className="banner banner-bad">
              The administrator rejected this restore. Talk to them before trying again.
            </p>
          ) : null}
          <div className="form-actions">
            <Button variant="primary" disabled={a.state !== 'approved'} onClick={props.onNext}>
              Next: document the incident
            </Button>
          </div>
        </>
      )}
    </div>
  );
}

export function ApprovalBadge({ state }: { state: RestoreApproval['state'] }) {
  const tone = state === 'approved' || state === 'used' ? 'ok' : state === 'pending' ? 'warn' : 'bad';
  return <Badge tone={tone}>{state}</Badge>;
}
