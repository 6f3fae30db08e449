/** Setup step: create the encrypted repository; the recovery key is shown once. */
import { useState } from 'react';
import { callWithStepUp, useCall } from '../../api/hooks.js';
import { Button, CopyButton, ErrorBox, Loading, TextField } from '../../components/ui.js';

export function SetupKey({ targetId, onDone }: { targetId: string; onDone: () => void }) {
  const keys = useCall('keys.status', {});
  const [kms, setKms] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [recoveryKey, setRecoveryKey] = useState<string>();
  const [saved, setSaved] = useState(false);
  const status = keys.data?.find((k) => k.targetId === targetId);

  const init = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const res = await callWithStepUp('keys.initRepository', {
        targetId,
        ...(kms.trim() ? { kmsKeyId: kms.trim() } : {}),
      });
      setRecoveryKey(res.recoveryKey);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="key-h">
      <h2 id="key-h">Encryption key</h2>
      <p>
        Every backup is encrypted with AES-256. The repository key is protected by this computer's keychain
        and, optionally, an AWS KMS key. A printed <strong>recovery key</strong> opens the backups on the day
        neither is available. Keys are rotated every 90 days.
      </p>
      {keys.isPending ? <Loading what="key status" /> : null}
      {keys.isError ? <ErrorBox error={keys.error} title="Key status" /> : null}
      {status?.initialized && !recoveryKey ? (
        <>
          <p className="ok-text">The repository on this target is already initialised and encrypted.</p>
          <Button variant="primary" onClick={onDone}>
            Continue
          </Button>
        </>
      ) : null}
      {recoveryKey ? (
        <div>
          <p>
            <strong>Recovery key — shown only this once.</strong> Print it or store it in the company safe.
            Anyone with this key and the bucket can read the backups.
          </p>
          <p>
            <code className="secret" data-testid="recovery-key">
              {recoveryKey}
            </code>{' '}
            <CopyButton text={recoveryKey} label="recovery key" />
          </p>
          <label className="check">
            <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> I have
            stored the recovery key safely
          </label>
          <div className="form-actions">
            <Button variant="primary" disabled={!saved} onClick={onDone}>
              Continue
            </Button>
          </div>
        </div>
      ) : null}
      {!status?.initialized && !recoveryKey && !keys.isPending ? (
        <>
          <TextField
            label="AWS KMS key (optional)"
            value={kms}
            onChange={setKms}
            placeholder="arn:aws:kms:eu-west-1:123456789012:key/…"
            help="Leave empty to use this computer's keychain only; a KMS key can be added later."
          />
          {error ? <ErrorBox error={error} title="Could not create the encrypted repository" /> : null}
          <div className="form-actions">
            <Button variant="primary" disabled={busy} onClick={() => void init()}>
              {busy ? 'Creating…' : 'Create encrypted repository'}
            </Button>
            {error ? (
              <Button variant="quiet" onClick={onDone}>
                Do this later (Settings › Keys and rotation)
              </Button>
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
