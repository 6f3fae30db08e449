/** Step 4: document the incident and the recovery plan (a note on the incident timeline). */
import { useState } from 'react';
import type { Incident } from '../../../shared/contract/index.js';
import { api } from '../../api/client.js';
import { Button, ErrorBox, Field, TextField } from '../../components/ui.js';
import { formatTime, isoToZonedInput, zonedInputToIso } from '../../lib/format.js';
import { useSession } from '../../lib/session.js';
import type { Documentation } from './state.js';

export function StepDocument(props: {
  incident: Incident;
  initialPlan: string;
  onBack: () => void;
  onDone: (d: Documentation, i: Incident) => void;
}) {
  const { timeZone } = useSession();
  const [whatHappened, setWhat] = useState('');
  const [detected, setDetected] = useState(isoToZonedInput(new Date().toISOString(), timeZone));
  const [impact, setImpact] = useState('');
  const [plan, setPlan] = useState(props.initialPlan);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const detectedAt = zonedInputToIso(detected, timeZone) ?? new Date().toISOString();
    try {
      const text = [
        `What happened: ${whatHappened.trim()}`,
        `Detected at: ${formatTime(detectedAt, timeZone)}`,
        `Impact: ${impact.trim()}`,
        `Recovery plan: ${plan.trim()}`,
      ].join('\n');
      const inc = await api['incidents.addNote']({ id: props.incident.id, text, status: 'recovering' });
      props.onDone(
        { whatHappened: whatHappened.trim(), detectedAt, impact: impact.trim(), plan: plan.trim() },
        inc,
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save}>
      <TextField label="What happened" value={whatHappened} onChange={setWhat} autoFocus />
      <Field label={`Detected at (${timeZone})`}>
        {(id) => (
          <input
            id={id}
            type="datetime-local"
            value={detected}
            onChange={(e) => setDetected(e.target.value)}
          />
        )}
      </Field>
      <TextField label="Impact (who and what is affected)" value={impact} onChange={setImpact} />
      <Field label="Recovery plan">
        {(id) => <textarea id={id} rows={3} value={plan} onChange={(e) => setPlan(e.target.value)} />}
      </Field>
      {error ? <ErrorBox error={error} title="Could not save the documentation" /> : null}
      <div className="form-actions">
        <Button onClick={props.onBack}>Back</Button>
        <Button
          type="submit"
          variant="primary"
          disabled={busy || !whatHappened.trim() || !impact.trim() || !plan.trim()}
        >
          Save and continue
        </Button>
      </div>
    </form>
  );
}
