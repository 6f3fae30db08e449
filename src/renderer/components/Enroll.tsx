/** TOTP enrollment: QR code + typed secret, confirm with a code, then recovery codes shown once. */
import { useState } from 'react';
import type { CallOutput } from '../../shared/contract/index.js';
import { api } from '../api/client.js';
import { Button, CopyButton, ErrorBox, TextField } from './ui.js';

type Enrollment = CallOutput<'auth.setup'>;

export function Enroll({ enrollment, onDone }: { enrollment: Enrollment; onDone: () => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [codes, setCodes] = useState<string[] | undefined>();
  const [saved, setSaved] = useState(false);

  if (codes) {
    return (
      <div className="enroll">
        <h2>Save your recovery codes</h2>
        <p>
          <strong>They are shown only this once.</strong> Each code signs you in once if you lose your
          authenticator. Store them somewhere safe and offline (a password manager or a printed copy in a
          safe).
        </p>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <div className="form-actions">
          <CopyButton text={codes.join('\n')} label="all recovery codes" />
        </div>
        <label className="check">
          <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> I have saved
          these recovery codes
        </label>
        <div className="form-actions">
          <Button variant="primary" disabled={!saved} onClick={onDone}>
            Continue
          </Button>
        </div>
      </div>
    );
  }

  const confirm = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await api['auth.completeEnrollment']({ enrollmentId: enrollment.enrollmentId, totp: code });
      setCodes(res.recoveryCodes);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="enroll" onSubmit={confirm}>
      <ol className="plain-steps">
        <li>Open your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password…).</li>
        <li>Scan this QR code, or type the secret key below.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="enroll-grid">
        <img
          src={enrollment.qrDataUrl}
          alt="QR code to add this console to your authenticator app"
          width={200}
          height={200}
        />
        <div>
          <p className="label">Secret key (if you cannot scan)</p>
          <p>
            <code className="secret" data-testid="totp-secret">
              {enrollment.secret}
            </code>{' '}
            <CopyButton text={enrollment.secret} label="secret key" />
          </p>
          <TextField
            label="Code from the app"
            value={code}
            onChange={(v) => setCode(v.replace(/\D/g, '').slice(0, 6))}
            inputMode="numeric"
            autoComplete="one-time-code"
            autoFocus
          />
          {error ? <ErrorBox error={error} title="The code was not accepted" /> : null}
          <Button type="submit" variant="primary" disabled={busy || code.length !== 6}>
            {busy ? 'Checking…' : 'Confirm authenticator'}
          </Button>
        </div>
      </div>
    </form>
  );
}
