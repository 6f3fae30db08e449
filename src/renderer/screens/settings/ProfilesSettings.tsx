/** Database connection profiles (passwords live in the OS keychain): add, change, test, delete. */
import { useState } from 'react';
import type { CallInput, ConnectionProfile } from '../../../shared/contract/index.js';
import { useAction, useCall } from '../../api/hooks.js';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  Empty,
  ErrorBox,
  Loading,
  SelectField,
  TextField,
} from '../../components/ui.js';
import { useCan } from '../../lib/session.js';

type Fields = CallInput<'profiles.create'>['profile'];
type Env = Fields['environment'];

export function ProfilesSettings() {
  const can = useCan();
  const profiles = useCall('profiles.list', {});
  const [editing, setEditing] = useState<ConnectionProfile | 'new'>();
  const [deleting, setDeleting] = useState<ConnectionProfile>();
  const test = useAction('profiles.test');
  const del = useAction('profiles.delete', {
    invalidates: ['profiles.list'],
    onSuccess: () => setDeleting(undefined),
  });
  const admin = can('profiles.update');
  return (
    <Card
      title="Connection profiles"
      actions={admin && !editing ? <Button onClick={() => setEditing('new')}>Add profile</Button> : null}
    >
      {editing ? (
        <ProfileForm initial={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} />
      ) : null}
      {profiles.isPending ? <Loading what="profiles" /> : null}
      {profiles.isError ? <ErrorBox error={profiles.error} title="Profiles" /> : null}
      {profiles.data?.length === 0 ? <Empty>No database connection profiles yet.</Empty> : null}
      {test.data ? (
        <p className={test.data.ok ? 'banner banner-ok' : 'banner banner-bad'} role="status">
          {test.data.message}
          {test.data.serverVersion ? ` (server ${test.data.serverVersion})` : ''}
        </p>
      ) : null}
      {test.isError ? <ErrorBox error={test.error} title="Connection test" /> : null}
      {profiles.data && profiles.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Server</th>
              <th scope="col">Database</th>
              <th scope="col">Environment</th>
              <th scope="col">Password</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {profiles.data.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.name}</th>
                <td className="mono">
                  {p.kind}://{p.user}@{p.host}:{p.port}
                </td>
                <td className="mono">{p.database}</td>
                <td>
                  <Badge tone={p.environment === 'production' ? 'bad' : 'info'}>{p.environment}</Badge>
                </td>
                <td>{p.hasPassword ? 'In keychain' : 'None'}</td>
                <td>
                  <div className="actions">
                    {can('profiles.test') ? (
                      <Button onClick={() => test.mutate({ id: p.id })}>Test</Button>
                    ) : null}
                    {admin ? <Button onClick={() => setEditing(p)}>Change</Button> : null}
                    {admin ? (
                      <Button variant="danger" onClick={() => setDeleting(p)}>
                        Delete
                      </Button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ConfirmDialog
        open={Boolean(deleting)}
        title={`Delete the profile “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete profile"
        danger
        busy={del.isPending}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => deleting && del.mutate({ id: deleting.id })}
      >
        <p>
          The profile and its keychain password are removed. The database itself is not touched; plans using
          it will fail.
        </p>
      </ConfirmDialog>
    </Card>
  );
}

function ProfileForm({ initial, onDone }: { initial?: ConnectionProfile; onDone: () => void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [kind, setKind] = useState<'postgres' | 'mariadb'>(initial?.kind ?? 'postgres');
  const [host, setHost] = useState(initial?.host ?? '127.0.0.1');
  const [port, setPort] = useState(String(initial?.port ?? 5432));
  const [database, setDatabase] = useState(initial?.database ?? '');
  const [user, setUser] = useState(initial?.user ?? 'postgres');
  const [environment, setEnv] = useState<Env>(initial?.environment ?? 'staging');
  const [password, setPassword] = useState('');
  const inv = { invalidates: ['profiles.list' as const], onSuccess: onDone };
  const create = useAction('profiles.create', inv);
  const update = useAction('profiles.update', inv);
  const err = create.error ?? update.error;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const profile: Fields = {
      name: name.trim(),
      kind,
      host: host.trim(),
      port: Number(port),
      database: database.trim(),
      user: user.trim(),
      tls: initial?.tls ?? 'prefer',
      environment,
    };
    const pw = password ? { password } : {};
    if (initial) update.mutate({ id: initial.id, profile, ...pw, clearPassword: false });
    else create.mutate({ profile, ...pw });
  };
  return (
    <form
      className="form-block"
      onSubmit={submit}
      aria-label={initial ? `Change ${initial.name}` : 'New profile'}
    >
      <div className="grid-4">
        <TextField label="Name" value={name} onChange={setName} />
        <SelectField
          label="Kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: 'postgres', label: 'PostgreSQL' },
            { value: 'mariadb', label: 'MariaDB / MySQL' },
          ]}
        />
        <TextField label="Host" value={host} onChange={setHost} />
        <TextField label="Port" value={port} onChange={setPort} inputMode="numeric" />
        <TextField label="Database" value={database} onChange={setDatabase} />
        <TextField label="User" value={user} onChange={setUser} />
        <SelectField
          label="Environment"
          value={environment}
          onChange={setEnv}
          options={[
            { value: 'production', label: 'Production' },
            { value: 'staging', label: 'Staging' },
            { value: 'test', label: 'Test' },
          ]}
        />
        <TextField
          label={initial ? 'New password (empty = unchanged)' : 'Password'}
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="off"
        />
      </div>
      {err ? <ErrorBox error={err} title="Not saved" /> : null}
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          disabled={create.isPending || update.isPending || !name.trim() || !database.trim()}
        >
          Save profile
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
