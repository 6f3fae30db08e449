/** Sessions: only the sha256 of the token is stored. */
import type { CatalogDb } from './db.js';

export interface SessionRow {
  token_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  step_up_at: string | null;
}

export class SessionStore {
  constructor(private readonly db: CatalogDb) {}
  insert(s: SessionRow): void {
    this.db
      .prepare(
        `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, step_up_at)
         VALUES (@token_hash, @user_id, @created_at, @last_seen_at, @expires_at, @step_up_at)`,
      )
      .run(s);
  }
  get(tokenHash: string): SessionRow | undefined {
    return this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as
      | SessionRow
      | undefined;
  }
  touch(tokenHash: string, now: string): void {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, tokenHash);
  }
  stepUp(tokenHash: string, now: string): void {
    this.db.prepare('UPDATE sessions SET step_up_at = ? WHERE token_hash = ?').run(now, tokenHash);
  }
  delete(tokenHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }
  deleteForUser(userId: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }
  purgeExpired(idleCutoff: string, now: string): void {
    this.db.prepare('DELETE FROM sessions WHERE last_seen_at < ? OR expires_at < ?').run(idleCutoff, now);
  }
}
