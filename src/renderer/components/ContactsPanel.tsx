/** Contacts and the escalation path, always visible during an emergency, with copy buttons. */
import { useCall } from '../api/hooks.js';
import { CopyButton, ErrorBox, Loading } from './ui.js';

export function ContactsPanel() {
  const contacts = useCall('contacts.list', {});
  return (
    <aside className="contacts" aria-labelledby="contacts-h">
      <h2 id="contacts-h">Contacts</h2>
      {contacts.isPending ? <Loading what="contacts" /> : null}
      {contacts.isError ? <ErrorBox error={contacts.error} title="Contacts" /> : null}
      {contacts.data ? (
        <>
          <ul className="contact-list">
            {contacts.data.contacts.map((c) => (
              <li key={c.id}>
                <strong>{c.role}</strong>
                {c.name ? <span> · {c.name}</span> : null}
                {c.email ? (
                  <div className="contact-line">
                    <a href={`mailto:${c.email}`}>{c.email}</a>{' '}
                    <CopyButton text={c.email} label={`${c.role} email`} />
                  </div>
                ) : null}
                {c.phone ? (
                  <div className="contact-line">
                    <a href={`tel:${c.phone.replace(/\s/g, '')}`}>{c.phone}</a>{' '}
                    <CopyButton text={c.phone} label={`${c.role} phone`} />
                  </div>
                ) : null}
                {c.notes ? <div className="small">{c.notes}</div> : null}
              </li>
            ))}
          </ul>
          <h3>Escalation path</h3>
          <ol className="escalation">
            {contacts.data.escalation.map((s) => (
              <li key={s.order}>{s.title}</li>
            ))}
          </ol>
          <p className="small">
            In an emergency requiring immediate assistance, call the system administrator's mobile.
          </p>
        </>
      ) : null}
    </aside>
  );
}
