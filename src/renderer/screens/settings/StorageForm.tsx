/** Add or change a storage target: local directory, Amazon S3 or Google Cloud Storage. */
import { useState } from 'react';
import type { CallInput, StorageTarget } from '../../../shared/contract/index.js';
import { Button, SelectField, TextField } from '../../components/ui.js';

type Kind = 'local' | 's3' | 'gcs';
type Role = 'primary' | 'secondary' | 'local';

export function StorageForm(props: {
  initial?: StorageTarget;
  defaultRole: Role;
  submitLabel: string;
  busy: boolean;
  onSubmit: (input: CallInput<'storage.create'>) => void;
}) {
  const init = props.initial?.config;
  const [name, setName] = useState(props.initial?.name ?? 'Primary storage');
  const [role, setRole] = useState<Role>(props.initial?.role ?? props.defaultRole);
  const [kind, setKind] = useState<Kind>(init?.kind ?? 'local');
  const [path, setPath] = useState(init?.kind === 'local' ? init.path : '');
  const [bucket, setBucket] = useState(init && init.kind !== 'local' ? init.bucket : '');
  const [region, setRegion] = useState(init?.kind === 's3' ? init.region : 'eu-west-1');
  const [prefix, setPrefix] = useState(init && init.kind !== 'local' ? (init.prefix ?? '') : '');
  const [endpoint, setEndpoint] = useState(init && init.kind !== 'local' ? (init.endpoint ?? '') : '');
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [serviceAccountJson, setServiceAccountJson] = useState('');

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const ep = endpoint.trim() ? { endpoint: endpoint.trim() } : {};
    if (kind === 'local') {
      props.onSubmit({ name: name.trim(), role, config: { kind: 'local', path: path.trim() } });
    } else if (kind === 's3') {
      props.onSubmit({
        name: name.trim(),
        role,
        config: { kind: 's3', bucket, region, prefix, forcePathStyle: Boolean(endpoint.trim()), ...ep },
        ...(accessKeyId && secretAccessKey
          ? { credentials: { kind: 's3', accessKeyId, secretAccessKey } }
          : {}),
      });
    } else {
      props.onSubmit({
        name: name.trim(),
        role,
        config: { kind: 'gcs', bucket, prefix, ...ep },
        ...(serviceAccountJson ? { credentials: { kind: 'gcs', serviceAccountJson } } : {}),
      });
    }
  };

  return (
    <form onSubmit={submit} className="form-block" aria-label="Storage target">
      <div className="grid-3">
        <TextField label="Name" value={name} onChange={setName} />
        <SelectField
          label="Role"
          value={role}
          onChange={setRole}
          options={[
            { value: 'primary', label: 'Primary (daily backups)' },
            { value: 'secondary', label: 'Secondary (weekly complete backup)' },
            { value: 'local', label: 'Local copy' },
          ]}
        />
        <SelectField
          label="Kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: 'local', label: 'Local directory' },
            { value: 's3', label: 'Amazon S3 (or S3-compatible)' },
            { value: 'gcs', label: 'Google Cloud Storage' },
          ]}
        />
      </div>
      {kind === 'local' ? (
        <TextField
          label="Directory"
          value={path}
          onChange={setPath}
          placeholder="/var/backups/mvono"
          help="An absolute path on this computer. It is created if it does not exist."
        />
      ) : (
        <div className="grid-3">
          <TextField label="Bucket" value={bucket} onChange={setBucket} />
          {kind === 's3' ? <TextField label="Region" value={region} onChange={setRegion} /> : null}
          <TextField label="Prefix (optional)" value={prefix} onChange={setPrefix} placeholder="mvono/" />
          <TextField
            label="Endpoint (optional)"
            value={endpoint}
            onChange={setEndpoint}
            help="Only for S3-compatible servers or emulators."
          />
        </div>
      )}
      {kind === 's3' ? (
        <div className="grid-2">
          <TextField label="Access key id" value={accessKeyId} onChange={setAccessKeyId} autoComplete="off" />
          <TextField
            label="Secret access key"
            type="password"
            value={secretAccessKey}
            onChange={setSecretAccessKey}
            autoComplete="off"
            help="Stored in the operating system's keychain only."
          />
        </div>
      ) : null}
      {kind === 'gcs' ? (
        <TextField
          label="Service account JSON"
          value={serviceAccountJson}
          onChange={setServiceAccountJson}
          help="Stored in the operating system's keychain only."
        />
      ) : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" disabled={props.busy}>
          {props.busy ? 'Saving…' : props.submitLabel}
        </Button>
      </div>
    </form>
  );
}
