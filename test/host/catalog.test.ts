import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openCatalog, schemaVersion } from '../../src/main/catalog/db.js';
import { MIGRATIONS } from '../../src/main/catalog/migrations/index.js';
import { isAppError } from '../../src/main/platform/errors.js';

const dir = () => mkdtempSync(join(tmpdir(), 'mvono-catalog-'));

describe('catalog: migrations and schema version', () => {
  it('the registry is sorted by version with unique versions', () => {
    const v = MIGRATIONS.map((m) => m.version);
    assert.deepEqual(
      v,
      [...v].sort((a, b) => a - b),
    );
    assert.equal(new Set(v).size, v.length);
    assert.ok(MIGRATIONS.filter((m) => m.version < 50).length >= 3);
  });

  it('opens in WAL with foreign keys, migrates once, and seeds contacts and escalation', () => {
    const f = join(dir(), 'c.db');
    const db = openCatalog(f);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(schemaVersion(db), Math.max(...MIGRATIONS.map((m) => m.version)));
    const contacts = db.prepare('SELECT role, email, phone FROM contacts ORDER BY sort').all();
    assert.deepEqual(contacts, [
      { role: 'System Administrator', email: 'admin@mvonoconsultants.com', phone: '+254 720 XXXXXX' },
      { role: 'Database Administrator', email: 'dba@mvonoconsultants.com', phone: '+254 723 XXXXXX' },
      {
        role: 'Cloud Storage Support',
        email: 'cloud-support@provider.com',
        phone: 'International support number',
      },
    ]);
    const steps = db.prepare('SELECT title FROM escalation_steps ORDER BY position').all();
    assert.deepEqual(
      steps.map((s) => (s as { title: string }).title),
      ['System Administrator', 'IT Manager', 'Operations Director', 'Managing Director'],
    );
    db.close();
    const again = openCatalog(f);
    assert.equal((again.prepare('SELECT COUNT(*) AS n FROM contacts').get() as { n: number }).n, 3);
    again.close();
  });

  it('a catalog from a newer version is refused with UNSUPPORTED_FORMAT and a recovery path', () => {
    const f = join(dir(), 'c.db');
    const db = openCatalog(f);
    db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    db.close();
    assert.throws(
      () => openCatalog(f),
      (e) =>
        isAppError(e, 'UNSUPPORTED_FORMAT') &&
        /newer/.test(e.message) &&
        /Move .* aside/.test(e.hint ?? '') &&
        /repository/.test(e.hint ?? ''),
    );
  });

  it('a corrupt file is refused with CONFIG and a recovery path', () => {
    const f = join(dir(), 'c.db');
    writeFileSync(f, Buffer.alloc(8192, 0x41));
    assert.throws(
      () => openCatalog(f),
      (e) => isAppError(e, 'CONFIG') && /damaged/.test(e.message) && /aside/.test(e.hint ?? ''),
    );
  });
});
