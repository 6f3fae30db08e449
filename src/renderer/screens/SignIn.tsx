/** Sign-in: username, password and the authenticator code (or a recovery code). */
import { useState } from 'react';
import type { CallOutput } from '../../shared/contract/index.js';
import { api } from '../api/client.js';
import { Enroll } from '../components/Enroll.js';
import { Button, ErrorBox, TextField } from '../components/ui.js';

type Enrollment = Extract<CallOutput<'auth.login'>, { status: 'enroll' }>['enrollment'];

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [recovery, setRecovery] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [enrollment, setEnrollment] = useState<Enrollment | undefined>();

  if (enrollment) {
    return (
      <main className="center-page">
        <div className="panel wide">
          <h1>Set up your authenticator</h1>
          <p>
            Your password is correct. Before you can continue, add this console to your authenticator app.
          </p>
          <Enroll enrollment={enrollment} onDone={onSignedIn} />
        </div>
      </main>
    );
  }

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await api['auth.login']({
        username: username.trim(),
        password,
        ...(useRecovery ? { recoveryCode: recovery.trim() } : totp ? { totp } : {}),
      });
      if (res.status === 'enroll') setEnrollment(res.enrollment);
      else onSignedIn();
    } catch (err) {
      setError(err);
      setTotp('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="center-page">
      <form className="panel" onSubmit={submit} aria-labelledby="signin-title">
        <p className="brand">Mvono Backup Console</p>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">Access to backups requires your password and your authenticator code.</p>
        <TextField
          label="Username"
          value={username}
          onChange={setUsername}
          autoComplete="username"
          autoFocus
        />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
        />
        {useRecovery ? (
          <TextField
            label="Recovery code"
            value={recovery}
            onChange={setRecovery}
            autoComplete="off"
            help="One of the codes you saved when you set up your authenticator. Each works once."
          />
        ) : (
          <TextField
            label="Authenticator code"
            value={totp}
            onChange={(v) => setTotp(v.replace(/\D/g, '').slice(0, 6))}
            inputMode="numeric"
            autoComplete="one-time-code"
            help="The 6-digit code from your authenticator app."
          />
        )}
        {error ? <ErrorBox error={error} title="Could not sign in" /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={busy || !username || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
          <Button variant="quiet" onClick={() => setUseRecovery(!useRecovery)}>
            {useRecovery ? 'Use authenticator code instead' : 'Lost your phone? Use a recovery code'}
          </Button>
        </div>
      </form>
    </main>
  );
}
