/** Restore target: staging (a directory and/or a staging database profile) or production. */
import { useCall } from '../../api/hooks.js';
import { SelectField, TextField } from '../../components/ui.js';

export interface Dest {
  where: 'staging' | 'production';
  directory: string;
  profileId: string;
}

export function DestinationPicker(props: {
  value: Dest;
  onChange: (d: Dest) => void;
  productionAllowed: boolean;
  productionNote: string;
}) {
  const profiles = useCall('profiles.list', {});
  const staging = (profiles.data ?? []).filter((p) => p.environment !== 'production');
  const v = props.value;
  return (
    <div>
      <fieldset>
        <legend>Restoration target</legend>
        <div className="choices">
          <label className="check">
            <input
              type="radio"
              name="dest"
              checked={v.where === 'staging'}
              onChange={() => props.onChange({ ...v, where: 'staging' })}
            />{' '}
            Staging (safe: production is not touched)
          </label>
          <label className="check">
            <input
              type="radio"
              name="dest"
              checked={v.where === 'production'}
              disabled={!props.productionAllowed}
              onChange={() => props.onChange({ ...v, where: 'production' })}
            />{' '}
            Production (overwrites live data; a safety backup is taken first)
          </label>
        </div>
        {!props.productionAllowed ? <p className="small muted">{props.productionNote}</p> : null}
      </fieldset>
      {v.where === 'staging' ? (
        <div className="grid-2">
          <SelectField
            label="Staging database server"
            value={v.profileId}
            onChange={(profileId) => props.onChange({ ...v, profileId })}
            options={[
              {
                value: '',
                label: staging.length
                  ? 'Choose a staging profile…'
                  : 'No staging profile — add one in Settings',
              },
              ...staging.map((p) => ({
                value: p.id,
                label: `${p.name} — ${p.host}:${p.port}/${p.database} (${p.environment})`,
              })),
            ]}
            help="Databases are restored into this server."
          />
          <TextField
            label="Staging directory for files"
            value={v.directory}
            onChange={(directory) => props.onChange({ ...v, directory })}
            placeholder="/srv/staging/restore"
            help="Files and configuration are written below this directory."
          />
        </div>
      ) : null}
    </div>
  );
}

export function stagingOf(d: Dest): { directory?: string; profileId?: string } {
  return {
    ...(d.directory.trim() ? { directory: d.directory.trim() } : {}),
    ...(d.profileId ? { profileId: d.profileId } : {}),
  };
}
