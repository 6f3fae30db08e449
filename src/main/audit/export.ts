/** Audit exports: JSONL (one entry per line) and CSV (RFC 4180 quoting); and repository replication. */
import type { AuditEntry } from '../../shared/contract/audit.js';
import { isAlreadyExists } from '../storage/errors.js';
import type { Storage } from '../storage/port.js';
import type { AuditLog } from './log.js';

export function toJsonl(entries: AuditEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

const CSV_COLUMNS = [
  'seq',
  'time',
  'actor',
  'role',
  'action',
  'target',
  'outcome',
  'code',
  'params',
  'prevHash',
  'hash',
] as const;

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // Neutralise spreadsheet formulas and quote everything that needs it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(entries: AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(CSV_COLUMNS.map((c) => csvCell(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export const AUDIT_PREFIX = 'audit/';
const pad = (n: number) => String(n).padStart(12, '0');
const CHUNK = 5000;

/** The highest seq already written to `audit/` objects of a repository (0 if none). */
export async function replicatedUpTo(storage: Storage, signal?: AbortSignal): Promise<number> {
  let max = 0;
  for await (const o of storage.list(AUDIT_PREFIX, signal ? { signal } : {})) {
    const m = /^audit\/(\d{12})-(\d{12})$/.exec(o.name);
    if (m) max = Math.max(max, Number(m[2]));
  }
  return max;
}

/**
 * Appends the journal from `fromSeq` to a repository as write-once objects
 * `audit/<first seq, 12 digits>-<last seq, 12 digits>` holding JSONL. An object that already
 * exists (another console replicated the same range) is left as it is.
 */
export async function exportAuditToStorage(
  storage: Storage,
  fromSeq: number,
  log: AuditLog,
  signal?: AbortSignal,
): Promise<{ objects: string[]; lastSeq: number }> {
  const objects: string[] = [];
  let next = Math.max(1, fromSeq);
  let lastSeq = next - 1;
  for (;;) {
    const batch = log.range(next, CHUNK);
    const first = batch[0];
    const last = batch[batch.length - 1];
    if (!first || !last) break;
    const name = `${AUDIT_PREFIX}${pad(first.seq)}-${pad(last.seq)}`;
    try {
      await storage.put(name, new TextEncoder().encode(toJsonl(batch)), signal ? { signal } : {});
      objects.push(name);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    lastSeq = last.seq;
    next = last.seq + 1;
    if (batch.length < CHUNK) break;
  }
  return { objects, lastSeq };
}
