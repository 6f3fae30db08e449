/**
 * The audit log: append-only (SQLite triggers refuse UPDATE/DELETE), each entry hashing the previous
 * one: hash = sha256(canonical JSON of the entry without `hash`, including prevHash). The head
 * (last seq + hash) is also kept in settings, so truncating the tail is detected too.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../shared/contract/audit.js';
import type { ErrorCode } from '../../shared/contract/errors.js';
import type { CatalogDb } from '../catalog/db.js';
import type { Clock } from '../platform/clock.js';
import { canonicalJson } from './canonical.js';

export const GENESIS = '0'.repeat(64);
const HEAD_KEY = 'audit.head';

export interface AuditInput {
  actor: string;
  role: string;
  action: string;
  target: string;
  /** Already redacted. */
  params: Record<string, unknown>;
  outcome: 'ok' | 'denied' | 'error';
  code?: ErrorCode;
}

interface Row {
  seq: number;
  time: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  params: string;
  outcome: AuditEntry['outcome'];
  code: ErrorCode | null;
  prev_hash: string;
  hash: string;
}

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const { seq, time, actor, role, action, target, params, outcome, code, prevHash } = e;
  return createHash('sha256')
    .update(canonicalJson({ seq, time, actor, role, action, target, params, outcome, code, prevHash }))
    .digest('hex');
}

function toEntry(r: Row): AuditEntry {
  return {
    seq: r.seq,
    time: r.time,
    actor: r.actor,
    role: r.role,
    action: r.action,
    target: r.target,
    params: JSON.parse(r.params) as Record<string, unknown>,
    outcome: r.outcome,
    ...(r.code ? { code: r.code } : {}),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  firstBadSeq?: number;
  reason?: string;
}

export class AuditLog {
  constructor(
    private readonly db: CatalogDb,
    private readonly clock: Clock,
  ) {}

  append(input: AuditInput): AuditEntry {
    return this.db.transaction(() => {
      const last = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
        | { seq: number; hash: string }
        | undefined;
      const base: Omit<AuditEntry, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        time: this.clock.now().toISOString(),
        actor: input.actor,
        role: input.role,
        action: input.action,
        target: input.target,
        params: JSON.parse(JSON.stringify(input.params ?? {})) as Record<string, unknown>,
        outcome: input.outcome,
        ...(input.code ? { code: input.code } : {}),
        prevHash: last?.hash ?? GENESIS,
      };
      const entry: AuditEntry = { ...base, hash: entryHash(base) };
      this.db
        .prepare(
          `INSERT INTO audit_log (seq, time, actor, role, action, target, params, outcome, code, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          entry.seq,
          entry.time,
          entry.actor,
          entry.role,
          entry.action,
          entry.target,
          JSON.stringify(entry.params),
          entry.outcome,
          entry.code ?? null,
          entry.prevHash,
          entry.hash,
        );
      this.db
        .prepare(
          'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        )
        .run(HEAD_KEY, JSON.stringify({ seq: entry.seq, hash: entry.hash }));
      return entry;
    })();
  }

  /** Entries with seq >= fromSeq in order (optionally at most `limit`). */
  range(fromSeq = 1, limit = -1): AuditEntry[] {
    return (
      this.db
        .prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?')
        .all(fromSeq, limit) as Row[]
    ).map(toEntry);
  }

  list(q: {
    beforeSeq?: number;
    actor?: string;
    action?: string;
    outcome?: string;
    limit: number;
  }): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log WHERE (? IS NULL OR seq < ?) AND (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?)
         AND (? IS NULL OR outcome = ?) ORDER BY seq DESC LIMIT ?`,
      )
      .all(
        q.beforeSeq ?? null,
        q.beforeSeq ?? null,
        q.actor ?? null,
        q.actor ?? null,
        q.action ?? null,
        q.action ?? null,
        q.outcome ?? null,
        q.outcome ?? null,
        q.limit,
      ) as Row[];
    return rows.map(toEntry);
  }

  lastSeq(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM audit_log').get() as { s: number }).s;
  }

  /** Detects edited, deleted (inside or at the end) and reordered entries; names the first bad seq. */
  verify(): VerifyResult {
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
    let expected = 1;
    let prev = GENESIS;
    for (const r of rows) {
      if (r.seq !== expected) {
        return {
          ok: false,
          entries: rows.length,
          firstBadSeq: expected,
          reason: `entry ${expected} is missing (deleted)`,
        };
      }
      let e: AuditEntry;
      try {
        e = toEntry(r);
      } catch {
        return {
          ok: false,
          entries: rows.length,
          firstBadSeq: r.seq,
          reason: `entry ${r.seq} is unreadable (edited)`,
        };
      }
      if (r.prev_hash !== prev) {
        return {
          ok: false,
          entries: rows.length,
          firstBadSeq: r.seq,
          reason: `entry ${r.seq} does not follow entry ${r.seq - 1} (removed, reordered or edited)`,
        };
      }
      const { hash: _h, ...base } = e;
      if (entryHash(base) !== r.hash) {
        return { ok: false, entries: rows.length, firstBadSeq: r.seq, reason: `entry ${r.seq} was modified` };
      }
      prev = r.hash;
      expected++;
    }
    const headRaw = (
      this.db.prepare('SELECT value FROM settings WHERE key = ?').get(HEAD_KEY) as
        | { value: string }
        | undefined
    )?.value;
    if (headRaw) {
      const head = JSON.parse(headRaw) as { seq: number; hash: string };
      const lastSeq = rows.length ? expected - 1 : 0;
      if (head.seq !== lastSeq || (lastSeq > 0 && head.hash !== prev)) {
        const bad = Math.min(head.seq, lastSeq) + 1;
        return {
          ok: false,
          entries: rows.length,
          firstBadSeq: bad,
          reason: `entries from ${bad} on are missing (log truncated)`,
        };
      }
    }
    return { ok: true, entries: rows.length };
  }
}

/** Verifies the audit log of a catalog. */
export function verifyAudit(db: CatalogDb, clock: Clock): VerifyResult {
  return new AuditLog(db, clock).verify();
}
