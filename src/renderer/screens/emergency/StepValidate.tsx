/** Step 7: validation checklist and result; closes the incident and saves the incident report. */
import { useState } from 'react';
import type { Incident, Job } from '../../../shared/contract/index.js';
import { api } from '../../api/client.js';
import { Button, ErrorBox } from '../../components/ui.js';
import { ValidationReport } from '../restore/ValidationReport.js';
import { readValidation } from '../restore/validation.js';

export const CHECKS = [
  'The application starts and its health page answers',
  'Users can sign in',
  'The most recent records before the restored backup are present',
  'Uploaded files open',
  'Scheduled backups run again (check the dashboard)',
];

export function StepValidate(props: {
  incident: Incident;
  job?: Job;
  onSaved: (checklist: { name: string; ok: boolean }[], result: string, i: Incident) => void;
}) {
  const [checks, setChecks] = useState<boolean[]>(CHECKS.map(() => false));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const validation = readValidation(props.job);
  const autoOk =
    props.job?.state === 'succeeded' &&
    (validation?.ok ?? validation?.rows.every((r) => r.status === 'match') ?? true);
  const allOk = autoOk && checks.every(Boolean);

  const finish = async () => {
    setBusy(true);
    setError(undefined);
    const list = CHECKS.map((name, i) => ({ name, ok: checks[i] ?? false }));
    const result = allOk
      ? 'Recovered: the restore succeeded and every validation check passed.'
      : `Needs follow-up: ${
          list
            .filter((c) => !c.ok)
            .map((c) => c.name)
            .join('; ') || 'automatic validation did not pass'
        }.`;
    try {
      const text = `Validation: ${list.map((c) => `${c.ok ? '[x]' : '[ ]'} ${c.name}`).join('; ')}. ${result}`;
      await api['incidents.addNote']({ id: props.incident.id, text });
      const inc = allOk
        ? await api['incidents.close']({ id: props.incident.id, resolution: result })
        : await api['incidents.get']({ id: props.incident.id });
      props.onSaved(list, result, inc);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      {props.job ? <ValidationReport job={props.job} /> : null}
      <fieldset>
        <legend>Validation checklist</legend>
        {CHECKS.map((c, i) => (
          <label key={c} className="check block">
            <input
              type="checkbox"
              checked={checks[i] ?? false}
              onChange={(e) => setChecks(checks.map((v, j) => (j === i ? e.target.checked : v)))}
            />{' '}
            {c}
          </label>
        ))}
      </fieldset>
      <p className={allOk ? 'banner banner-ok' : 'banner banner-warn'} role="status">
        {allOk
          ? 'All checks passed: the incident can be closed as recovered.'
          : 'Some checks are not ticked yet: the incident stays open for follow-up.'}
      </p>
      {error ? <ErrorBox error={error} title="Could not record the validation" /> : null}
      <Button variant="primary" disabled={busy} onClick={() => void finish()}>
        {allOk ? 'Record result and close the incident' : 'Record result (incident stays open)'}
      </Button>
    </div>
  );
}
