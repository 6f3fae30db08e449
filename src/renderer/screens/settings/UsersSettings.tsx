/** Users and MFA: create, change role, disable, reset password or authenticator, unlock, delete. */
import { useState } from 'react';
import type { Role, User } from '../../../shared/contract/index.js';
import { ROLE_LABELS, ROLES } from '../../../shared/contract/index.js';
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
import { formatTimeShort } from '../../lib/format.js';
import { useSession } from '../../lib/session.js';

type Pending = { user: User; action: 'resetMfa' | 'delete' | 'disable' };
const INV = { invalidates: ['users.list' as const] };

export function UsersSettings() {
  const { timeZone, me } = useSession();
  const users = useCall('users.list', {});
  const [adding, setAdding] = useState(false);
  const [pending, setPending] = useState<Pending>();
  const update = useAction('users.update', INV);
  const resetMfa = useAction('users.resetMfa', INV);
  const unlock = useAction('users.unlock', INV);
  const del = useAction('users.delete', INV);
  const errors = (
    [
      ['update', update],
      ['resetMfa', resetMfa],
      ['unlock', unlock],
      ['delete', del],
    ] as const
  ).filter(([, m]) => m.isError);

  const confirm = () => {
    if (!pending) return;
    const { user, action } = pending;
    if (action === 'resetMfa') resetMfa.mutate({ id: user.id });
    if (action === 'delete') del.mutate({ id: user.id });
    if (action === 'disable') update.mutate({ id: user.id, disabled: !user.disabled });
    setPending(undefined);
  };

  return (
    <Card
      title="Users and MFA"
      actions={!adding ? <Button onClick={() => setAdding(true)}>Add user</Button> : null}
    >
      {adding ? <NewUser onDone={() => setAdding(false)} /> : null}
      {users.isPending ? <Loading what="users" /> : null}
      {users.isError ? <ErrorBox error={users.error} title="Users" /> : null}
      {users.data?.length === 0 ? <Empty>No users.</Empty> : null}
      {errors.map(([k, m]) => (
        <ErrorBox key={k} error={m.error} title="Not changed" />
      ))}
      {users.data && users.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Authenticator</th>
              <th scope="col">State</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id}>
                <th scope="row">
                  {u.displayName}
                  <div className="small muted">{u.username}</div>
                </th>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role}
                    disabled={u.id === me.id}
                    onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_LABELS[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {u.mfaEnrolled ? (
                    <Badge tone="ok">Enrolled</Badge>
                  ) : (
                    <Badge tone="warn">At next sign-in</Badge>
                  )}
                </td>
                <td>
                  {u.disabled ? (
                    <Badge tone="muted">Disabled</Badge>
                  ) : u.lockedUntil ? (
                    <Badge tone="bad">Locked</Badge>
                  ) : (
                    <Badge tone="ok">Active</Badge>
                  )}
                  {u.failedAttempts > 0 ? (
                    <div className="small">{u.failedAttempts} failed attempt(s)</div>
                  ) : null}
                </td>
                <td>{formatTimeShort(u.lastLoginAt, timeZone)}</td>
                <td>
                  <div className="actions">
                    {u.lockedUntil ? (
                      <Button onClick={() => unlock.mutate({ id: u.id })}>Unlock</Button>
                    ) : null}
                    <Button onClick={() => setPending({ user: u, action: 'resetMfa' })}>
                      Reset authenticator
                    </Button>
                    {u.id !== me.id ? (
                      <Button onClick={() => setPending({ user: u, action: 'disable' })}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </Button>
                    ) : null}
                    {u.id !== me.id ? (
                      <Button variant="danger" onClick={() => setPending({ user: u, action: 'delete' })}>
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
        open={Boolean(pending)}
        title={pending ? confirmTitle(pending) : ''}
        confirmLabel={pending ? confirmTitle(pending).replace(/\?$/, '') : ''}
        danger={pending?.action === 'delete'}
        onCancel={() => setPending(undefined)}
        onConfirm={confirm}
      >
        <p>{pending ? confirmText(pending) : ''}</p>
      </ConfirmDialog>
    </Card>
  );
}

function confirmTitle(p: Pending): string {
  if (p.action === 'resetMfa') return `Reset the authenticator of ${p.user.username}?`;
  if (p.action === 'delete') return `Delete ${p.user.username}?`;
  return `${p.user.disabled ? 'Enable' : 'Disable'} ${p.user.username}?`;
}

function confirmText(p: Pending): string {
  if (p.action === 'resetMfa')
    return `${p.user.displayName}'s authenticator stops working now. At their next sign-in they must add a new one (password still needed).`;
  if (p.action === 'delete')
    return `${p.user.displayName} can no longer sign in. Their entries in the audit log stay.`;
  return p.user.disabled
    ? `${p.user.displayName} can sign in again.`
    : `${p.user.displayName} is signed out everywhere and cannot sign in until enabled again.`;
}

function NewUser({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('oncall');
  const [password, setPassword] = useState('');
  const create = useAction('users.create', { invalidates: ['users.list'], onSuccess: onDone });
  return (
    <form
      className="form-block"
      aria-label="New user"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ username: username.trim(), displayName: displayName.trim(), role, password });
      }}
    >
      <div className="grid-4">
        <TextField label="Username" value={username} onChange={setUsername} autoComplete="off" />
        <TextField label="Full name" value={displayName} onChange={setDisplayName} />
        <SelectField
          label="Role"
          value={role}
          onChange={setRole}
          options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        />
        <TextField
          label="Initial password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          help="At least 12 characters. They add an authenticator at first sign-in."
        />
      </div>
      {create.isError ? <ErrorBox error={create.error} title="Not created" /> : null}
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          disabled={create.isPending || !username || !displayName || password.length < 12}
        >
          Create user
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
