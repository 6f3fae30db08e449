/** Pick a snapshot by time, plan, tag or "before <time>"; newest first. */
import { useState } from 'react';
import type { Snapshot } from '../../../shared/contract/index.js';
import { useCall } from '../../api/hooks.js';
import { Empty, ErrorBox, Field, Loading, SelectField } from '../../components/ui.js';
import { formatBytes, formatTimeShort, zonedInputToIso } from '../../lib/format.js';
import { useSession } from '../../lib/session.js';
import { COMPONENT_LABEL } from '../../lib/status.js';

export function SnapshotPicker(props: {
  targetId: string;
  onTarget: (id: string) => void;
  selected: string | undefined;
  onSelect: (s: Snapshot) => void;
}) {
  const { timeZone } = useSession();
  const targets = useCall('storage.list', {});
  const snaps = useCall(
    'snapshots.list',
    { targetId: props.targetId, limit: 500 },
    { enabled: Boolean(props.targetId) },
  );
  const [plan, setPlan] = useState('');
  const [tag, setTag] = useState('');
  const [before, setBefore] = useState('');
  const beforeIso = before ? zonedInputToIso(before, timeZone) : undefined;

  const all = [...(snaps.data ?? [])].sort((a, b) => b.time.localeCompare(a.time));
  const plans = [...new Set(all.map((s) => s.plan ?? s.name ?? '').filter(Boolean))];
  const tags = [...new Set(all.flatMap((s) => s.tags))];
  const shown = all.filter(
    (s) =>
      (!plan || s.plan === plan || s.name === plan) &&
      (!tag || s.tags.includes(tag)) &&
      (!beforeIso || s.time < beforeIso),
  );

  return (
    <div>
      <div className="filters">
        <SelectField
          label="Storage"
          value={props.targetId}
          onChange={props.onTarget}
          options={(targets.data ?? []).map((t) => ({ value: t.id, label: `${t.name} (${t.role})` }))}
        />
        <SelectField
          label="Plan"
          value={plan}
          onChange={setPlan}
          options={[{ value: '', label: 'Any plan' }, ...plans.map((p) => ({ value: p, label: p }))]}
        />
        <SelectField
          label="Tag"
          value={tag}
          onChange={setTag}
          options={[{ value: '', label: 'Any tag' }, ...tags.map((t) => ({ value: t, label: t }))]}
        />
        <Field label={`Before (${timeZone})`} help="Only backups taken before this moment.">
          {(id, d) => (
            <input
              id={id}
              type="datetime-local"
              value={before}
              aria-describedby={d}
              onChange={(e) => setBefore(e.target.value)}
            />
          )}
        </Field>
      </div>
      {snaps.isPending && props.targetId ? <Loading what="snapshots" /> : null}
      {snaps.isError ? <ErrorBox error={snaps.error} title="Snapshots" /> : null}
      {snaps.data && shown.length === 0 ? (
        <Empty>No backups match. Clear a filter or pick another storage.</Empty>
      ) : null}
      {shown.length > 0 ? (
        <table className="table selectable" aria-label="Snapshots">
          <thead>
            <tr>
              <th scope="col">Select</th>
              <th scope="col">Taken ({timeZone})</th>
              <th scope="col">Name / plan</th>
              <th scope="col">Components</th>
              <th scope="col">Tags</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, 50).map((s) => (
              <tr key={s.id} className={props.selected === s.id ? 'highlight' : undefined}>
                <td>
                  <input
                    type="radio"
                    name="snapshot"
                    checked={props.selected === s.id}
                    onChange={() => props.onSelect(s)}
                    aria-label={`Backup of ${formatTimeShort(s.time, timeZone)} ${s.name ?? s.plan ?? ''}`}
                  />
                </td>
                <td>{formatTimeShort(s.time, timeZone)}</td>
                <td>
                  {s.name ?? s.plan ?? s.kind}
                  <div className="small muted mono">{s.id.slice(0, 12)}</div>
                </td>
                <td>{s.components.map((c) => COMPONENT_LABEL[c.type] ?? c.type).join(', ')}</td>
                <td>{s.tags.join(', ') || '—'}</td>
                <td>{formatBytes(s.summary.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
