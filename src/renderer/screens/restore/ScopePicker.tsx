/** Restore type: complete system / database-only (optionally some tables) / file system / selective. */
import { useState } from 'react';
import type { RestoreScope, Snapshot } from '../../../shared/contract/index.js';
import { useCall } from '../../api/hooks.js';
import { Button, Empty, ErrorBox, Loading, TextField } from '../../components/ui.js';
import { formatBytes } from '../../lib/format.js';

export type ScopeKind = RestoreScope['kind'];

export const SCOPE_LABEL: Record<ScopeKind, string> = {
  complete: 'Complete system restore',
  database: 'Database-only restore',
  files: 'File system restore',
  selective: 'Selective restoration',
};

export function ScopePicker(props: {
  snapshot: Snapshot;
  targetId: string;
  value: RestoreScope;
  onChange: (s: RestoreScope) => void;
}) {
  const dbs = props.snapshot.components.filter((c) => c.type === 'postgres' || c.type === 'mariadb');
  const hasFiles = props.snapshot.components.some((c) => c.type === 'files' || c.type === 'config');
  const [tables, setTables] = useState('');
  const kind = props.value.kind;

  const set = (k: ScopeKind) => {
    if (k === 'complete') props.onChange({ kind: 'complete' });
    if (k === 'database')
      props.onChange({ kind: 'database', components: dbs.map((d) => d.name), tables: [] });
    if (k === 'files') props.onChange({ kind: 'files', include: [] });
    if (k === 'selective') props.onChange({ kind: 'selective', include: [] });
  };

  return (
    <div>
      <fieldset>
        <legend>Restore type</legend>
        <div className="choices">
          {(Object.keys(SCOPE_LABEL) as ScopeKind[]).map((k) => (
            <label key={k} className="check">
              <input
                type="radio"
                name="scope"
                checked={kind === k}
                disabled={(k === 'database' && dbs.length === 0) || (k === 'files' && !hasFiles)}
                onChange={() => set(k)}
              />{' '}
              {SCOPE_LABEL[k]}
            </label>
          ))}
        </div>
      </fieldset>
      {props.value.kind === 'database' ? (
        <fieldset>
          <legend>Databases and tables</legend>
          {dbs.map((d) => {
            const v = props.value as Extract<RestoreScope, { kind: 'database' }>;
            const on = v.components.includes(d.name);
            return (
              <label key={d.name} className="check">
                <input
                  type="checkbox"
                  checked={on}
                  onChange={() =>
                    props.onChange({
                      ...v,
                      components: on ? v.components.filter((c) => c !== d.name) : [...v.components, d.name],
                    })
                  }
                />{' '}
                {d.name} ({d.type})
              </label>
            );
          })}
          <TextField
            label="Only these tables (optional)"
            value={tables}
            onChange={(t) => {
              setTables(t);
              const list = t.split(/[\s,]+/).filter(Boolean);
              props.onChange({
                ...(props.value as Extract<RestoreScope, { kind: 'database' }>),
                tables: list,
              });
            }}
            placeholder="public.customer, public.payment"
            help="Leave empty to restore whole databases. Separate tables with commas (schema.table)."
          />
        </fieldset>
      ) : null}
      {props.value.kind === 'selective' || props.value.kind === 'files' ? (
        <FilePicker
          targetId={props.targetId}
          snapshotId={props.snapshot.id}
          include={props.value.include}
          onChange={(include) =>
            props.onChange(
              props.value.kind === 'selective' ? { kind: 'selective', include } : { kind: 'files', include },
            )
          }
          optional={props.value.kind === 'files'}
        />
      ) : null}
    </div>
  );
}

function FilePicker(props: {
  targetId: string;
  snapshotId: string;
  include: string[];
  onChange: (include: string[]) => void;
  optional: boolean;
}) {
  const [path, setPath] = useState('');
  const entries = useCall('snapshots.browse', { targetId: props.targetId, id: props.snapshotId, path });
  const toggle = (p: string, dir: boolean) => {
    const glob = dir ? `${p}/**` : p;
    props.onChange(
      props.include.includes(glob) ? props.include.filter((x) => x !== glob) : [...props.include, glob],
    );
  };
  const up = path.split('/').slice(0, -1).join('/');
  return (
    <fieldset>
      <legend>
        {props.optional ? 'Files to restore (none ticked = all files)' : 'Files and folders to restore'}
      </legend>
      <p className="small">
        In: <code>/{path}</code>{' '}
        {path ? (
          <Button variant="quiet" onClick={() => setPath(up)}>
            Up one level
          </Button>
        ) : null}
      </p>
      {entries.isPending ? <Loading what="files" /> : null}
      {entries.isError ? <ErrorBox error={entries.error} title="Browsing the backup" /> : null}
      {entries.data?.length === 0 ? <Empty>This folder is empty.</Empty> : null}
      <ul className="file-list">
        {entries.data?.map((e) => (
          <li key={e.path}>
            <label className="check">
              <input
                type="checkbox"
                checked={props.include.includes(e.type === 'dir' ? `${e.path}/**` : e.path)}
                onChange={() => toggle(e.path, e.type === 'dir')}
              />{' '}
              {e.type === 'dir' ? '📁' : '📄'} {e.name}
            </label>
            {e.type === 'dir' ? (
              <Button variant="quiet" onClick={() => setPath(e.path)} aria-label={`Open folder ${e.name}`}>
                Open
              </Button>
            ) : (
              <span className="small muted">{formatBytes(e.size)}</span>
            )}
          </li>
        ))}
      </ul>
      {props.include.length > 0 ? (
        <p className="small">
          Selected: <code>{props.include.join(', ')}</code>
        </p>
      ) : null}
    </fieldset>
  );
}
