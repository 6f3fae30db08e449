import type { Migration } from './types.js';

/** Contacts and escalation path from docs/backup-procedures (editable in Settings > Contacts). */
export const SEED_CONTACTS = [
  {
    id: 'sysadmin',
    role: 'System Administrator',
    email: 'admin@mvonoconsultants.com',
    phone: '+254 720 XXXXXX',
    notes: 'In an emergency requiring immediate assistance, call this mobile number.',
  },
  {
    id: 'dba',
    role: 'Database Administrator',
    email: 'dba@mvonoconsultants.com',
    phone: '+254 723 XXXXXX',
    notes: '',
  },
  {
    id: 'cloud-support',
    role: 'Cloud Storage Support',
    email: 'cloud-support@provider.com',
    phone: 'International support number',
    notes: '',
  },
] as const;

export const SEED_ESCALATION = [
  { title: 'System Administrator', contactId: 'sysadmin' },
  { title: 'IT Manager', contactId: null },
  { title: 'Operations Director', contactId: null },
  { title: 'Managing Director', contactId: null },
] as const;

export const m003Seed: Migration = {
  version: 3,
  name: 'seed-contacts',
  up(db) {
    const c = db.prepare(
      'INSERT INTO contacts (id, role, name, email, phone, notes, sort) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    SEED_CONTACTS.forEach((x, i) => {
      c.run(x.id, x.role, '', x.email, x.phone, x.notes, i);
    });
    const e = db.prepare('INSERT INTO escalation_steps (position, title, contact_id) VALUES (?, ?, ?)');
    SEED_ESCALATION.forEach((x, i) => {
      e.run(i + 1, x.title, x.contactId);
    });
  },
};
