/** Storage targets: configuration only; credentials live in the OS keychain under `credentials_entry`. */
import { StorageConfig, type StorageTarget } from '../../shared/contract/settings.js';
import { AppError } from '../platform/errors.js';
import type { CatalogDb } from './db.js';

interface Row {
  id: string;
  name: string;
  role: StorageTarget['role'];
  config: string;
  credentials_entry: string | null;
  created_at: string;
  updated_at: string;
}

export function describeLocation(c: StorageConfig): string {
  if (c.kind === 'local') return `file://${c.path}`;
  const p = c.prefix ? `/${c.prefix.replace(/\/$/, '')}` : '';
  return `${c.kind === 's3' ? 's3' : 'gs'}://${c.bucket}${p}`;
}

function toTarget(r: Row): StorageTarget {
  const config = StorageConfig.parse(JSON.parse(r.config));
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    config,
    location: describeLocation(config),
    hasCredentials: r.credentials_entry !== null,
    ...(r.credentials_entry ? { credentialsEntry: r.credentials_entry } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const storageCredentialsEntry = (id: string) => `storage/${id}/credentials`;

export class TargetStore {
  constructor(private readonly db: CatalogDb) {}
  list(): StorageTarget[] {
    return (this.db.prepare('SELECT * FROM storage_targets ORDER BY name').all() as Row[]).map(toTarget);
  }
  get(id: string): StorageTarget {
    const r = this.db.prepare('SELECT * FROM storage_targets WHERE id = ?').get(id) as Row | undefined;
    if (!r) {
      throw new AppError('NOT_FOUND', `No storage target with id "${id}".`, {
        hint: 'Open Settings > Storage to see the configured targets.',
      });
    }
    return toTarget(r);
  }
  private assertNameFree(name: string, exceptId?: string): void {
    const r = this.db.prepare('SELECT id FROM storage_targets WHERE name = ?').get(name) as
      | { id: string }
      | undefined;
    if (r && r.id !== exceptId) {
      throw new AppError('ALREADY_EXISTS', `A storage target named "${name}" already exists.`, {
        hint: 'Choose another name.',
      });
    }
  }
  insert(
    t: { id: string; name: string; role: string; config: StorageConfig; credentialsEntry?: string },
    now: string,
  ): StorageTarget {
    this.assertNameFree(t.name);
    this.db
      .prepare(
        `INSERT INTO storage_targets (id, name, role, config, credentials_entry, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(t.id, t.name, t.role, JSON.stringify(t.config), t.credentialsEntry ?? null, now, now);
    return this.get(t.id);
  }
  update(
    id: string,
    t: { name: string; role: string; config: StorageConfig; credentialsEntry?: string | null },
    now: string,
  ): StorageTarget {
    this.get(id);
    this.assertNameFree(t.name, id);
    this.db
      .prepare(
        `UPDATE storage_targets SET name = ?, role = ?, config = ?, updated_at = ?,
           credentials_entry = CASE WHEN ? THEN ? ELSE credentials_entry END WHERE id = ?`,
      )
      .run(
        t.name,
        t.role,
        JSON.stringify(t.config),
        now,
        t.credentialsEntry !== undefined ? 1 : 0,
        t.credentialsEntry ?? null,
        id,
      );
    return this.get(id);
  }
  delete(id: string): void {
    this.get(id);
    this.db.prepare('DELETE FROM storage_targets WHERE id = ?').run(id);
  }
}
