/**
 * First-run setup: the administrator, their authenticator (QR + secret + recovery codes shown once),
 * a storage target, the repository key, and the default plans from the backup procedures.
 */
import { useState } from 'react';
import type { CallOutput, Me } from '../../shared/contract/index.js';
import { api } from '../api/client.js';
import { Enroll } from '../components/Enroll.js';
import { Button, ErrorBox, Steps, TextField } from '../components/ui.js';
import { SetupKey } from './setup/SetupKey.js';
import { SetupPlans } from './setup/SetupPlans.js';
import { SetupStorage } from './setup/SetupStorage.js';

const STEPS = ['Administrator', 'Authenticator', 'Storage', 'Encryption key', 'Default plans'];

export function Setup(props: { onStarted: () => void; onDone: () => void; signedInAs: Me | undefined }) {
  const [step, setStep] = useState(props.signedInAs ? 2 : 0);
  const [enrollment, setEnrollment] = useState<CallOutput<'auth.setup'>>();
  const [targetId, setTargetId] = useState<string>();

  return (
    <main className="setup-page">
      <div className="panel wide">
        <p className="brand">Mvono Backup Console</p>
        <h1>First-run setup</h1>
        <Steps steps={STEPS} current={step} />
        {step === 0 ? (
          <AdminStep
            onCreated={(e) => {
              props.onStarted();
              setEnrollment(e);
              setStep(1);
            }}
          />
        ) : null}
        {step === 1 && enrollment ? (
          <section aria-labelledby="enroll-h">
            <h2 id="enroll-h">Add your authenticator</h2>
            <p>Every sign-in needs a code from your authenticator app (multi-factor authentication).</p>
            <Enroll enrollment={enrollment} onDone={() => setStep(2)} />
          </section>
        ) : null}
        {step === 2 ? (
          <SetupStorage
            onDone={(id) => {
              setTargetId(id);
              setStep(3);
            }}
          />
        ) : null}
        {step === 3 && targetId ? <SetupKey targetId={targetId} onDone={() => setStep(4)} /> : null}
        {step === 4 ? <SetupPlans onDone={props.onDone} /> : null}
      </div>
    </main>
  );
}

function AdminStep({ onCreated }: { onCreated: (e: CallOutput<'auth.setup'>) => void }) {
  const [username, setUsername] = useState('admin');
  const [displayName, setDisplayName] = useState('System Administrator');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const mismatch = again.length > 0 && again !== password;
  const short = password.length > 0 && password.length < 12;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(
        await api['auth.setup']({ username: username.trim(), displayName: displayName.trim(), password }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="admin-h">
      <h2 id="admin-h">Create the administrator</h2>
      <p>This account configures plans, storage, keys and users, and approves emergency restores.</p>
      <div className="grid-2">
        <TextField
          label="Username"
          value={username}
          onChange={setUsername}
          autoComplete="username"
          autoFocus
        />
        <TextField label="Full name" value={displayName} onChange={setDisplayName} autoComplete="name" />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          help="At least 12 characters. A passphrase of several words is easiest to remember."
          error={short ? 'Must be at least 12 characters.' : undefined}
        />
        <TextField
          label="Repeat password"
          type="password"
          value={again}
          onChange={setAgain}
          autoComplete="new-password"
          error={mismatch ? 'The two passwords differ.' : undefined}
        />
      </div>
      {error ? <ErrorBox error={error} title="Could not create the administrator" /> : null}
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          disabled={busy || short || mismatch || !password || again !== password}
        >
          {busy ? 'Creating…' : 'Create administrator'}
        </Button>
      </div>
    </form>
  );
}
