/** Incidents and their timeline notes. */
import type { Incident } from '../../shared/contract/emergency.js';
import { AppError } from '../platform/errors.js';
import type { CatalogDb } from './db.js';

interface Row {
  id: string;
  title: string;
  severity: Incident['severity'];
  data_loss: Incident['dataLoss'];
  scope: string;
  recovery_plan: string;
  status: Incident['status'];
  opened_by: string;
  opened_at: string;
  closed_at: string | null;
  resolution: string | null;
}

export class IncidentStore {
  constructor(private readonly db: CatalogDb) {}
  private toIncident(r: Row): Incident {
    const notes = this.db
      .prepare('SELECT time, author, text FROM incident_notes WHERE incident_id = ? ORDER BY id')
      .all(r.id) as Incident['notes'];
    return {
      id: r.id,
      title: r.title,
      severity: r.severity,
      dataLoss: r.data_loss,
      scope: r.scope,
      recoveryPlan: r.recovery_plan,
      status: r.status,
      openedBy: r.opened_by,
      openedAt: r.opened_at,
      ...(r.closed_at ? { closedAt: r.closed_at } : {}),
      ...(r.resolution ? { resolution: r.resolution } : {}),
      notes,
    };
  }
  list(status?: Incident['status']): Incident[] {
    const rows = (
      status
        ? this.db.prepare('SELECT * FROM incidents WHERE status = ? ORDER BY opened_at DESC').all(status)
        : this.db.prepare("SELECT * FROM incidents ORDER BY status = 'closed', opened_at DESC").all()
    ) as Row[];
    return rows.map((r) => this.toIncident(r));
  }
  get(id: string): Incident {
    const r = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
    if (!r)
      throw new AppError('NOT_FOUND', `No incident with id "${id}".`, {
        hint: 'Open Emergency > Incidents.',
      });
    return this.toIncident(r);
  }
  insert(i: Omit<Incident, 'notes' | 'closedAt' | 'resolution'>): Incident {
    this.db
      .prepare(
        `INSERT INTO incidents (id, title, severity, data_loss, scope, recovery_plan, status, opened_by, opened_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(i.id, i.title, i.severity, i.dataLoss, i.scope, i.recoveryPlan, i.status, i.openedBy, i.openedAt);
    return this.get(i.id);
  }
  addNote(
    id: string,
    note: { time: string; author: string; text: string },
    status?: Incident['status'],
  ): Incident {
    this.get(id);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO incident_notes (incident_id, time, author, text) VALUES (?, ?, ?, ?)')
        .run(id, note.time, note.author, note.text);
      if (status) this.db.prepare('UPDATE incidents SET status = ? WHERE id = ?').run(status, id);
    })();
    return this.get(id);
  }
  close(id: string, resolution: string, time: string, author: string): Incident {
    const inc = this.get(id);
    if (inc.status === 'closed') {
      throw new AppError('CONFLICT', `Incident "${inc.title}" is already closed.`);
    }
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE incidents SET status = 'closed', closed_at = ?, resolution = ? WHERE id = ?")
        .run(time, resolution, id);
      this.db
        .prepare('INSERT INTO incident_notes (incident_id, time, author, text) VALUES (?, ?, ?, ?)')
        .run(id, time, author, `Closed: ${resolution}`);
    })();
    return this.get(id);
  }
}
