/** Step 1: severity and scope of the data loss. */
import { useState } from 'react';
import { Button, SelectField, TextField } from '../../components/ui.js';
import { type Assessment, DATA_LOSS_LABEL, type DataLoss, type Severity } from './state.js';

export function StepAssess({ initial, onNext }: { initial?: Assessment; onNext: (a: Assessment) => void }) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [severity, setSeverity] = useState<Severity>(initial?.severity ?? 'critical');
  const [dataLoss, setDataLoss] = useState<DataLoss>(initial?.dataLoss ?? 'complete');
  const [scope, setScope] = useState(initial?.scope ?? '');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onNext({ title: title.trim(), severity, dataLoss, scope: scope.trim() });
      }}
    >
      <TextField
        label="Short title"
        value={title}
        onChange={setTitle}
        autoFocus
        placeholder="Production database lost after disk failure"
      />
      <div className="grid-2">
        <SelectField
          label="Severity"
          value={severity}
          onChange={setSeverity}
          options={[
            { value: 'critical', label: 'Critical — system down or data lost' },
            { value: 'major', label: 'Major — an important part is broken' },
            { value: 'minor', label: 'Minor — limited impact' },
          ]}
        />
        <SelectField
          label="Kind of data loss"
          value={dataLoss}
          onChange={setDataLoss}
          options={(Object.keys(DATA_LOSS_LABEL) as DataLoss[]).map((k) => ({
            value: k,
            label: DATA_LOSS_LABEL[k],
          }))}
        />
      </div>
      <TextField
        label="Scope: what is affected"
        value={scope}
        onChange={setScope}
        placeholder="The whole production database; uploads are fine"
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" disabled={!title.trim() || !scope.trim()}>
          Next: select the backup
        </Button>
      </div>
    </form>
  );
}
