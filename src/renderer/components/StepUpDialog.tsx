/** Asks for a fresh authenticator code when a sensitive call answers MFA_REQUIRED. */
import { useEffect, useRef, useState } from 'react';
import { registerStepUpAsker } from '../api/stepUp.js';
import { Button, TextField } from './ui.js';

interface Pending {
  reason: string;
  resolve: (code: string) => void;
  reject: (e: Error) => void;
}

export function StepUpDialog() {
  const [pending, setPending] = useState<Pending | undefined>();
  const [code, setCode] = useState('');
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    registerStepUpAsker(
      (reason) =>
        new Promise<string>((resolve, reject) => {
          setCode('');
          setPending({ reason, resolve, reject });
        }),
    );
    return () => registerStepUpAsker(undefined);
  }, []);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (pending && !d.open) d.showModal();
    if (!pending && d.open) d.close();
  }, [pending]);

  const cancel = () => {
    pending?.reject(new Error('Cancelled: the action needs a fresh authenticator code.'));
    setPending(undefined);
  };

  return (
    <dialog ref={ref} className="dialog" aria-label="Confirm with your authenticator" onCancel={cancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!/^\d{6}$/.test(code)) return;
          pending?.resolve(code);
          setPending(undefined);
        }}
      >
        <h2>Confirm with your authenticator</h2>
        <p>This action is protected. Enter the current 6-digit code from your authenticator app.</p>
        {pending?.reason ? <p className="muted">{pending.reason}</p> : null}
        <TextField
          label="Authenticator code"
          value={code}
          onChange={(v) => setCode(v.replace(/\D/g, '').slice(0, 6))}
          inputMode="numeric"
          autoComplete="one-time-code"
          autoFocus
          name="stepup-totp"
        />
        <div className="dialog-actions">
          <Button onClick={cancel}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={code.length !== 6}>
            Confirm
          </Button>
        </div>
      </form>
    </dialog>
  );
}
