/** Users and their credentials' stored forms (hashes and ciphertext only). */
import type { Role } from '../../shared/contract/roles.js';
import type { User } from '../../shared/contract/users.js';
import { AppError } from '../platform/errors.js';
import type { CatalogDb } from './db.js';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  totp_secret_enc: string | null;
  totp_last_step: number | null;
  disabled: number;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export function toUser(r: UserRow, now: Date): User {
  const locked = r.locked_until !== null && new Date(r.locked_until) > now;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    disabled: r.disabled === 1,
    mfaEnrolled: r.totp_secret_enc !== null,
    ...(locked && r.locked_until ? { lockedUntil: r.locked_until } : {}),
    failedAttempts: r.failed_attempts,
    ...(r.last_login_at ? { lastLoginAt: r.last_login_at } : {}),
    createdAt: r.created_at,
  };
}

export class UserStore {
  constructor(private readonly db: CatalogDb) {}

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }
  countAdmins(): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as {
        n: number;
      }
    ).n;
  }
  list(): UserRow[] {
    return this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[];
  }
  byUsername(username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }
  byId(id: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }
  require(id: string): UserRow {
    const r = this.byId(id);
    if (!r) throw new AppError('NOT_FOUND', `No user with id "${id}".`, { hint: 'Refresh the user list.' });
    return r;
  }
  insert(
    u: Pick<UserRow, 'id' | 'username' | 'display_name' | 'role' | 'password_hash' | 'totp_secret_enc'>,
    now: string,
  ): void {
    if (this.byUsername(u.username)) {
      throw new AppError('ALREADY_EXISTS', `A user named "${u.username}" already exists.`, {
        hint: 'Choose another username.',
      });
    }
    this.db
      .prepare(
        `INSERT INTO users (id, username, display_name, role, password_hash, totp_secret_enc, created_at, updated_at)
         VALUES (@id, @username, @display_name, @role, @password_hash, @totp_secret_enc, @now, @now)`,
      )
      .run({ ...u, now });
  }
  update(id: string, fields: Partial<Omit<UserRow, 'id' | 'created_at'>>, now: string): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    const set = [...keys.map((k) => `${k} = @${k}`), 'updated_at = @__now'].join(', ');
    this.db.prepare(`UPDATE users SET ${set} WHERE id = @__id`).run({ ...fields, __now: now, __id: id });
  }
  delete(id: string): void {
    this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
  }

  // recovery codes (sha256 hashes)
  replaceRecoveryCodes(userId: string, hashes: string[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
      const ins = this.db.prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
      for (const h of hashes) ins.run(userId, h);
    })();
  }
  /** Marks an unused code as used; false if none matches. */
  consumeRecoveryCode(userId: string, hash: string, now: string): boolean {
    const r = this.db
      .prepare(
        'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
      )
      .run(now, userId, hash);
    return r.changes === 1;
  }
  recoveryCodesLeft(userId: string): number {
    return (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL')
        .get(userId) as {
        n: number;
      }
    ).n;
  }
}
