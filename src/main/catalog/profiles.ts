/** Database connection profiles; the password lives in the OS keychain under `password_entry`. */
import type { ConnectionProfile } from '../../shared/contract/settings.js';
import { AppError } from '../platform/errors.js';
import type { DbProfile } from '../sources/profile.js';
import type { CatalogDb } from './db.js';

interface Row {
  id: string;
  name: string;
  kind: 'postgres' | 'mariadb';
  host: string;
  port: number;
  database: string;
  user: string;
  tls: ConnectionProfile['tls'];
  environment: ConnectionProfile['environment'];
  password_entry: string | null;
  created_at: string;
  updated_at: string;
}

export type ProfileFields = Omit<
  ConnectionProfile,
  'id' | 'hasPassword' | 'passwordEntry' | 'createdAt' | 'updatedAt'
>;

export const profilePasswordEntry = (id: string) => `profile/${id}/password`;

function toProfile(r: Row): ConnectionProfile {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    host: r.host,
    port: r.port,
    database: r.database,
    user: r.user,
    tls: r.tls,
    environment: r.environment,
    hasPassword: r.password_entry !== null,
    ...(r.password_entry ? { passwordEntry: r.password_entry } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The sources/ shape of a profile (no password). */
export function toDbProfile(p: ConnectionProfile): DbProfile {
  return {
    name: p.name,
    kind: p.kind,
    host: p.host,
    port: p.port,
    database: p.database,
    user: p.user,
    tls: p.tls,
    environment: p.environment,
  };
}

export class ProfileStore {
  constructor(private readonly db: CatalogDb) {}
  list(): ConnectionProfile[] {
    return (this.db.prepare('SELECT * FROM connection_profiles ORDER BY name').all() as Row[]).map(toProfile);
  }
  get(id: string): ConnectionProfile {
    const r = this.db.prepare('SELECT * FROM connection_profiles WHERE id = ?').get(id) as Row | undefined;
    if (!r) {
      throw new AppError('NOT_FOUND', `No connection profile with id "${id}".`, {
        hint: 'Open Settings > Databases to see the configured profiles.',
      });
    }
    return toProfile(r);
  }
  private assertNameFree(name: string, exceptId?: string): void {
    const r = this.db.prepare('SELECT id FROM connection_profiles WHERE name = ?').get(name) as
      | { id: string }
      | undefined;
    if (r && r.id !== exceptId) {
      throw new AppError('ALREADY_EXISTS', `A connection profile named "${name}" already exists.`, {
        hint: 'Choose another name.',
      });
    }
  }
  insert(id: string, f: ProfileFields, passwordEntry: string | null, now: string): ConnectionProfile {
    this.assertNameFree(f.name);
    this.db
      .prepare(
        `INSERT INTO connection_profiles (id, name, kind, host, port, database, user, tls, environment,
           password_entry, created_at, updated_at)
         VALUES (@id, @name, @kind, @host, @port, @database, @user, @tls, @environment, @pe, @now, @now)`,
      )
      .run({ ...f, id, pe: passwordEntry, now });
    return this.get(id);
  }
  update(id: string, f: ProfileFields, passwordEntry: string | null, now: string): ConnectionProfile {
    this.get(id);
    this.assertNameFree(f.name, id);
    this.db
      .prepare(
        `UPDATE connection_profiles SET name=@name, kind=@kind, host=@host, port=@port, database=@database,
           user=@user, tls=@tls, environment=@environment, password_entry=@pe, updated_at=@now WHERE id=@id`,
      )
      .run({ ...f, id, pe: passwordEntry, now });
    return this.get(id);
  }
  delete(id: string): void {
    this.get(id);
    this.db.prepare('DELETE FROM connection_profiles WHERE id = ?').run(id);
  }
}
