/** Contacts and the escalation path (seeded from the procedures, editable). */
import type { Contact } from '../../shared/contract/settings.js';
import { AppError } from '../platform/errors.js';
import type { CatalogDb } from './db.js';

export interface EscalationStepRow {
  order: number;
  title: string;
  contactId?: string;
}

export class ContactStore {
  constructor(private readonly db: CatalogDb) {}
  list(): Contact[] {
    return this.db
      .prepare('SELECT id, role, name, email, phone, notes FROM contacts ORDER BY sort, role')
      .all() as Contact[];
  }
  get(id: string): Contact {
    const c = this.db
      .prepare('SELECT id, role, name, email, phone, notes FROM contacts WHERE id = ?')
      .get(id) as Contact | undefined;
    if (!c) throw new AppError('NOT_FOUND', `No contact with id "${id}".`);
    return c;
  }
  upsert(c: Contact): Contact {
    const sort = (
      this.db.prepare('SELECT COALESCE(MAX(sort), -1) + 1 AS s FROM contacts').get() as { s: number }
    ).s;
    this.db
      .prepare(
        `INSERT INTO contacts (id, role, name, email, phone, notes, sort) VALUES (@id, @role, @name, @email, @phone, @notes, @sort)
         ON CONFLICT(id) DO UPDATE SET role=@role, name=@name, email=@email, phone=@phone, notes=@notes`,
      )
      .run({ ...c, sort });
    return this.get(c.id);
  }
  delete(id: string): void {
    this.get(id);
    this.db.prepare('DELETE FROM contacts WHERE id = ?').run(id);
  }
  escalation(): EscalationStepRow[] {
    const rows = this.db
      .prepare('SELECT position, title, contact_id FROM escalation_steps ORDER BY position')
      .all() as {
      position: number;
      title: string;
      contact_id: string | null;
    }[];
    return rows.map((r) => ({
      order: r.position,
      title: r.title,
      ...(r.contact_id ? { contactId: r.contact_id } : {}),
    }));
  }
  setEscalation(steps: { title: string; contactId?: string | undefined }[]): EscalationStepRow[] {
    for (const s of steps) if (s.contactId) this.get(s.contactId);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM escalation_steps').run();
      const ins = this.db.prepare(
        'INSERT INTO escalation_steps (position, title, contact_id) VALUES (?, ?, ?)',
      );
      steps.forEach((s, i) => {
        ins.run(i + 1, s.title, s.contactId ?? null);
      });
    })();
    return this.escalation();
  }
}
