import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { exportAuditToStorage, toCsv } from '../../src/main/audit/export.js';
import { AuditLog } from '../../src/main/audit/log.js';
import { type CatalogDb, openCatalog } from '../../src/main/catalog/db.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { MemoryStorage } from '../support/memory-storage.js';
import { START } from './support.js';

/** Writes to the file as an attacker with SQLite access would: triggers dropped first. */
function tamper(file: string, sql: string[]): void {
  const raw = new Database(file);
  raw.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  for (const s of sql) raw.exec(s);
  raw.close();
}

describe('audit log: hash chain and tamper detection', () => {
  let db: CatalogDb;
  let log: AuditLog;
  let file: string;
  const clock = new FakeClock(START);
  let n = 0;
  beforeEach(() => {
    file = `${process.env.TMPDIR ?? '/tmp'}/mvono-audit-${process.pid}-${n++}.db`;
    db = openCatalog(file, { clock });
    log = new AuditLog(db, clock);
    for (let i = 1; i <= 6; i++) {
      log.append({
        actor: 'admin',
        role: 'admin',
        action: `test.a${i}`,
        target: `t${i}`,
        params: { i },
        outcome: 'ok',
      });
      clock.advance(1000);
    }
    db.close();
  });
  const verify = () => {
    const d = openCatalog(file, { clock });
    try {
      return new AuditLog(d, clock).verify();
    } finally {
      d.close();
    }
  };
  before(() => {});
  after(() => {});

  it('an untouched log verifies', () => {
    assert.deepEqual(verify(), { ok: true, entries: 6 });
  });
  it('the database refuses UPDATE and DELETE (append-only)', () => {
    const d = openCatalog(file, { clock });
    assert.throws(() => d.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 1").run(), /append-only/);
    assert.throws(() => d.prepare('DELETE FROM audit_log WHERE seq = 1').run(), /append-only/);
    d.close();
  });
  it('detects an edited entry and names it', () => {
    tamper(file, ["UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"]);
    const r = verify();
    assert.equal(r.ok, false);
    assert.equal(r.firstBadSeq, 3);
    assert.match(r.reason ?? '', /modified/);
  });
  it('detects an edit that also recomputes nothing but params', () => {
    tamper(file, [`UPDATE audit_log SET params = '{"i":99}' WHERE seq = 5`]);
    assert.equal(verify().firstBadSeq, 5);
  });
  it('detects a deleted entry in the middle', () => {
    tamper(file, ['DELETE FROM audit_log WHERE seq = 4']);
    const r = verify();
    assert.equal(r.firstBadSeq, 4);
    assert.match(r.reason ?? '', /missing/);
  });
  it('detects deleted entries at the end (truncation)', () => {
    tamper(file, ['DELETE FROM audit_log WHERE seq >= 5']);
    assert.equal(verify().firstBadSeq, 5);
  });
  it('detects swapped entries (renumbered to look in order)', () => {
    tamper(file, [
      'UPDATE audit_log SET seq = 100 WHERE seq = 2',
      'UPDATE audit_log SET seq = 2 WHERE seq = 3',
      'UPDATE audit_log SET seq = 3 WHERE seq = 100',
    ]);
    assert.equal(verify().firstBadSeq, 2);
  });
  it('exports JSONL/CSV and writes write-once audit/ objects to a repository', async () => {
    const d = openCatalog(file, { clock });
    const l = new AuditLog(d, clock);
    const csv = toCsv(l.range(1));
    assert.equal(csv.split('\r\n').length, 8);
    const storage = new MemoryStorage();
    const r1 = await exportAuditToStorage(storage, 1, l);
    assert.deepEqual(r1.objects, ['audit/000000000001-000000000006']);
    const body = new TextDecoder().decode(await storage.get('audit/000000000001-000000000006'));
    assert.equal(body.trim().split('\n').length, 6);
    l.append({ actor: 'a', role: 'admin', action: 'x', target: '', params: {}, outcome: 'ok' });
    const r2 = await exportAuditToStorage(storage, 7, l);
    assert.deepEqual(r2.objects, ['audit/000000000007-000000000007']);
    d.close();
  });
});
