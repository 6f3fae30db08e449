/** Small building blocks: buttons, fields, status badges, loading/empty/error states, cards. */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { errorText, isNotAvailable } from '../api/client.js';

export function Button(
  props: React.ButtonHTMLAttributes<HTMLButtonElement> & {
    variant?: 'primary' | 'danger' | 'quiet' | 'default';
  },
) {
  const { variant = 'default', className, type = 'button', ...rest } = props;
  return <button type={type} className={`btn btn-${variant} ${className ?? ''}`} {...rest} />;
}

export function Field(props: {
  label: string;
  help?: ReactNode;
  error?: string | undefined;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const describedBy =
    [props.help ? helpId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.help ? (
        <div className="help" id={helpId}>
          {props.help}
        </div>
      ) : null}
      {props.error ? (
        <div className="field-error" id={errId} role="alert">
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  help?: ReactNode;
  error?: string | undefined;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text';
  required?: boolean;
  placeholder?: string;
  autoFocus?: boolean;
  name?: string;
}) {
  return (
    <Field label={props.label} help={props.help} error={props.error}>
      {(id, describedBy) => (
        <input
          id={id}
          name={props.name}
          type={props.type ?? 'text'}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={props.error ? true : undefined}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          required={props.required}
          placeholder={props.placeholder}
          // biome-ignore lint/a11y/noAutofocus: the first field of a focused form
          autoFocus={props.autoFocus}
        />
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  onChange: (v: T) => void;
  options: { value: T; label: string; disabled?: boolean }[];
  help?: ReactNode;
}) {
  return (
    <Field label={props.label} help={props.help}>
      {(id, describedBy) => (
        <select
          id={id}
          value={props.value}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value as T)}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted' | 'run';

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (isNotAvailable(error))
    return <NotAvailable what={title ?? 'This part'} detail={errorText(error).message} />;
  const e = errorText(error);
  return (
    <div className="error-box" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <p>{e.message}</p>
      {e.hint ? <p className="hint">What to do: {e.hint}</p> : null}
      {e.code ? <p className="code">Error code: {e.code}</p> : null}
    </div>
  );
}

export function NotAvailable({ what, detail }: { what: string; detail?: string }) {
  return (
    <div className="not-available" role="note">
      <strong>Not available yet</strong>
      <p>
        {what}: this version of the console cannot do this yet. {detail ?? ''}
      </p>
    </div>
  );
}

export function Card(props: { title: ReactNode; actions?: ReactNode; children: ReactNode; id?: string }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id} id={props.id}>
      <header className="card-head">
        <h2 id={id}>{props.title}</h2>
        {props.actions ? <div className="card-actions">{props.actions}</div> : null}
      </header>
      <div className="card-body">{props.children}</div>
    </section>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="quiet"
      className="copy"
      aria-label={`Copy ${label}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          const ta = document.createElement('textarea');
          ta.value = text;
          document.body.appendChild(ta);
          ta.select();
          document.execCommand('copy');
          ta.remove();
        }
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}

/** A modal that says exactly what will happen; optional typed confirmation (e.g. the database name). */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  typeToConfirm?: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      setTyped('');
      d.showModal();
    }
    if (!props.open && d.open) d.close();
  }, [props.open]);
  const ok = !props.typeToConfirm || typed === props.typeToConfirm;
  return (
    <dialog ref={ref} className="dialog" aria-label={props.title} onCancel={props.onCancel}>
      <h2>{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      {props.typeToConfirm ? (
        <TextField
          label={`Type ${props.typeToConfirm} to confirm`}
          value={typed}
          onChange={setTyped}
          autoComplete="off"
        />
      ) : null}
      <div className="dialog-actions">
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          variant={props.danger ? 'danger' : 'primary'}
          disabled={!ok || props.busy}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}

export function KeyValue({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Steps({ steps, current }: { steps: string[]; current: number }) {
  return (
    <ol className="steps" aria-label="Progress through the steps">
      {steps.map((s, i) => (
        <li
          key={s}
          className={i === current ? 'current' : i < current ? 'done' : ''}
          aria-current={i === current ? 'step' : undefined}
        >
          <span className="step-n">{i + 1}</span> {s}
        </li>
      ))}
    </ol>
  );
}
