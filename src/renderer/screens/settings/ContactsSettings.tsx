/** Contacts and the escalation path (from the procedures; editable by administrators). */
import { useState } from 'react';
import type { Contact } from '../../../shared/contract/index.js';
import { useAction, useCall } from '../../api/hooks.js';
import { Button, Card, CopyButton, ErrorBox, Loading, TextField } from '../../components/ui.js';
import { useCan } from '../../lib/session.js';

export function ContactsSettings() {
  const can = useCan();
  const data = useCall('contacts.list', {});
  const [editing, setEditing] = useState<Contact | 'new'>();
  const admin = can('contacts.upsert');
  if (data.isPending) return <Loading what="contacts" />;
  if (data.isError) return <ErrorBox error={data.error} title="Contacts" />;
  return (
    <div className="stack">
      <Card
        title="Contacts"
        actions={admin && !editing ? <Button onClick={() => setEditing('new')}>Add contact</Button> : null}
      >
        {editing ? (
          <ContactForm
            initial={editing === 'new' ? undefined : editing}
            onDone={() => setEditing(undefined)}
          />
        ) : null}
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">Notes</th>
              {admin ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {data.data.contacts.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.role}</th>
                <td>{c.name || '—'}</td>
                <td>
                  {c.email} {c.email ? <CopyButton text={c.email} label={`${c.role} email`} /> : null}
                </td>
                <td>
                  {c.phone} {c.phone ? <CopyButton text={c.phone} label={`${c.role} phone`} /> : null}
                </td>
                <td className="small">{c.notes}</td>
                {admin ? (
                  <td>
                    <Button onClick={() => setEditing(c)}>Change</Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Escalation path">
        <ol className="escalation">
          {data.data.escalation.map((s) => (
            <li key={s.order}>
              {s.title}
              {s.contactId ? (
                <span className="muted small">
                  {' '}
                  ({data.data.contacts.find((c) => c.id === s.contactId)?.email})
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}

function ContactForm({ initial, onDone }: { initial?: Contact; onDone: () => void }) {
  const [role, setRole] = useState(initial?.role ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [email, setEmail] = useState(initial?.email ?? '');
  const [phone, setPhone] = useState(initial?.phone ?? '');
  const [notes, setNotes] = useState(initial?.notes ?? '');
  const save = useAction('contacts.upsert', { invalidates: ['contacts.list'], onSuccess: onDone });
  return (
    <form
      className="form-block"
      aria-label="Contact"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ ...(initial ? { id: initial.id } : {}), contact: { role, name, email, phone, notes } });
      }}
    >
      <div className="grid-4">
        <TextField label="Role" value={role} onChange={setRole} />
        <TextField label="Name" value={name} onChange={setName} />
        <TextField label="Email" value={email} onChange={setEmail} type="email" />
        <TextField label="Phone" value={phone} onChange={setPhone} />
      </div>
      <TextField label="Notes" value={notes} onChange={setNotes} />
      {save.isError ? <ErrorBox error={save.error} title="Not saved" /> : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" disabled={!role.trim() || save.isPending}>
          Save contact
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
