/**
 * Step 2: the backup to restore. Proposes one from the kind of loss: most recent for complete loss,
 * point in time for corruption, the last one before a known issue; shows which and why.
 */
import { useState } from 'react';
import type { RestoreScope, Snapshot } from '../../../shared/contract/index.js';
import { useCall } from '../../api/hooks.js';
import { Button, Empty, Field, KeyValue, Loading } from '../../components/ui.js';
import { formatTime, zonedInputToIso } from '../../lib/format.js';
import { useSession } from '../../lib/session.js';
import { ScopePicker } from '../restore/ScopePicker.js';
import { SnapshotPicker } from '../restore/SnapshotPicker.js';
import type { Assessment, Selection } from './state.js';

export function StepBackup(props: {
  assessment: Assessment;
  onBack: () => void;
  onNext: (s: Selection) => void;
}) {
  const { timeZone } = useSession();
  const targets = useCall('storage.list', {});
  const [targetId, setTargetId] = useState('');
  const [moment, setMoment] = useState('');
  const [manual, setManual] = useState<Snapshot>();
  const [override, setOverride] = useState(false);
  const effectiveTarget =
    targetId || targets.data?.find((t) => t.role === 'primary')?.id || targets.data?.[0]?.id || '';
  const snaps = useCall(
    'snapshots.list',
    { targetId: effectiveTarget, limit: 500 },
    { enabled: Boolean(effectiveTarget) },
  );
  const loss = props.assessment.dataLoss;
  const momentIso = moment ? zonedInputToIso(moment, timeZone) : undefined;
  const sorted = [...(snaps.data ?? [])].sort((a, b) => b.time.localeCompare(a.time));
  const proposed = momentIso && loss !== 'complete' ? sorted.find((s) => s.time < momentIso) : sorted[0];
  const chosen = override ? manual : proposed;
  const hasDb = chosen?.components.some((c) => c.type === 'postgres' || c.type === 'mariadb');
  const defaultScope: RestoreScope =
    loss === 'complete' || !hasDb
      ? { kind: 'complete' }
      : {
          kind: 'database',
          components: (chosen?.components ?? [])
            .filter((c) => c.type === 'postgres' || c.type === 'mariadb')
            .map((c) => c.name),
          tables: [],
        };
  const [scope, setScope] = useState<RestoreScope>();
  const effScope = scope ?? defaultScope;

  const why = !chosen
    ? ''
    : override
      ? 'Chosen by the operator.'
      : loss === 'complete' || !momentIso
        ? 'The most recent backup: for a complete loss, restore the newest good copy to lose the least data.'
        : loss === 'corruption'
          ? `The last backup before the corruption began (${formatTime(momentIso, timeZone)}); database changes are replayed up to that moment where the archive allows (point-in-time recovery).`
          : `The last backup before the known issue (${formatTime(momentIso, timeZone)}).`;

  return (
    <div>
      {loss !== 'complete' ? (
        <Field
          label={
            loss === 'corruption'
              ? `When did the corruption begin? (${timeZone})`
              : `When did the known issue happen? (${timeZone})`
          }
          help="The console proposes the last backup taken before this moment."
        >
          {(id, d) => (
            <input
              id={id}
              type="datetime-local"
              value={moment}
              aria-describedby={d}
              onChange={(e) => setMoment(e.target.value)}
            />
          )}
        </Field>
      ) : null}
      {snaps.isPending && effectiveTarget ? <Loading what="backups" /> : null}
      {snaps.data && !chosen && !override ? <Empty>No backup fits. Choose one yourself below.</Empty> : null}
      {chosen && !override ? (
        <section className="proposal" aria-label="Proposed backup">
          <h3>Proposed backup</h3>
          <KeyValue
            rows={[
              ['Taken', formatTime(chosen.time, timeZone)],
              ['Name / plan', chosen.name ?? chosen.plan ?? chosen.kind],
              ['Snapshot', chosen.id.slice(0, 12)],
              ['Why', why],
            ]}
          />
        </section>
      ) : null}
      <Button variant="quiet" onClick={() => setOverride(!override)}>
        {override ? 'Use the proposed backup' : 'Choose a different backup'}
      </Button>
      {override ? (
        <SnapshotPicker
          targetId={effectiveTarget}
          onTarget={setTargetId}
          selected={manual?.id}
          onSelect={setManual}
        />
      ) : null}
      {chosen ? (
        <ScopePicker snapshot={chosen} targetId={effectiveTarget} value={effScope} onChange={setScope} />
      ) : null}
      <div className="form-actions">
        <Button onClick={props.onBack}>Back</Button>
        <Button
          variant="primary"
          disabled={!chosen}
          onClick={() =>
            chosen &&
            props.onNext({
              targetId: effectiveTarget,
              snapshot: chosen,
              scope: effScope,
              ...(loss === 'corruption' && momentIso ? { pointInTime: momentIso } : {}),
              why,
            })
          }
        >
          Next: authorization
        </Button>
      </div>
    </div>
  );
}
