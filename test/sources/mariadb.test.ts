/**
 * MariaDB round trip against the real server: dump (one file per table) -> restore into a new
 * database -> routines, triggers, views and utf8mb4 text intact, validation all-match; CONFLICT;
 * selective restore of tables (re-create, and replace rows without firing triggers).
 */
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../src/main/platform/errors.js';
import type { DbFacts } from '../../src/main/sources/facts.js';
import { dumpMariadb } from '../../src/main/sources/mariadb/dump.js';
import { restoreMariadb } from '../../src/main/sources/mariadb/restore.js';
import { validateMariadb } from '../../src/main/sources/mariadb/validate.js';
import { buildMariaMgmtDb, dropMaria, mariaAdmin, mariaProfile, uniqueDbName } from '../support/mgmt-db.js';
import { tempDir } from './helpers.js';

async function q(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = await mariaAdmin(db);
  try {
    const [r] = await c.query(sql);
    return r as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

describe('mariadb dump / restore / validate', () => {
  const src = uniqueDbName('mvono_my_src');
  const copy = uniqueDbName('mvono_my_copy');
  let dir = '';
  let facts: DbFacts;
  before(async () => {
    await buildMariaMgmtDb(src);
    dir = await tempDir();
  });
  after(async () => {
    await dropMaria(src, copy);
    await rm(dir, { recursive: true, force: true });
  });

  it('dumps one schema file and one data file per table, plus views, routines and triggers', async (t) => {
    const t0 = performance.now();
    facts = await dumpMariadb(mariaProfile(src), dir);
    t.diagnostic(`dump: ${(performance.now() - t0).toFixed(0)} ms`);
    assert.deepEqual((await readdir(`${dir}/data`)).sort(), facts.tables.map((x) => `${x.name}.sql`).sort());
    assert.equal((await readdir(`${dir}/schema`)).length, 10);
    assert.ok((await readdir(dir)).includes('views.sql'));
    assert.equal(facts.tables.find((x) => x.name === 'clients')?.rows, 400);
    assert.match(facts.tables.find((x) => x.name === 'exchange_rates')?.wholeHash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(facts.charset, 'utf8mb4');
  });

  it('restores into a new database with routines, triggers, views and non-ASCII text', async (t) => {
    const t0 = performance.now();
    await restoreMariadb(dir, mariaProfile(copy), { jobs: 2 });
    t.diagnostic(`restore: ${(performance.now() - t0).toFixed(0)} ms`);
    const v = await validateMariadb(facts, mariaProfile(copy));
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.equal(v.schemaMatch, true);
    for (const sql of [
      'SELECT client_balance(7) AS b',
      'SELECT COUNT(*) AS n, SUM(budget) AS s FROM v_active_projects',
      "SELECT name, HEX(name) AS h FROM clients WHERE name LIKE '%☕%' OR name LIKE '%🚚%' ORDER BY id LIMIT 5",
      "SELECT full_name FROM users WHERE full_name LIKE 'Zoë%' ORDER BY id LIMIT 3",
      'SELECT HEX(sha256) AS h FROM documents ORDER BY id LIMIT 3',
    ]) {
      assert.deepEqual(await q(copy, sql), await q(src, sql), sql);
    }
    assert.match(
      String((await q(copy, "SELECT name FROM clients WHERE name LIKE '%Ushauri%' LIMIT 1"))[0]?.name),
      /Mvono Wakandarasi — Ushauri/,
    );
    // The trigger came back and fires on new rows; the procedure runs.
    const before = Number((await q(copy, 'SELECT COUNT(*) AS n FROM audit_events'))[0]?.n);
    await q(
      copy,
      "INSERT INTO payments (invoice_id, invoice_issued_on, paid_at, amount, method) VALUES (1, '2024-01-01', NOW(), 10, 'mpesa')",
    );
    assert.equal(Number((await q(copy, 'SELECT COUNT(*) AS n FROM audit_events'))[0]?.n), before + 1);
    await q(copy, "CALL close_project('MV-2021-00001')");
    const auto = await q(
      copy,
      `SELECT AUTO_INCREMENT AS a FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${copy}' AND TABLE_NAME = 'clients'`,
    );
    assert.equal(Number(auto[0]?.a), 10000);
  });

  it('refuses to overwrite an existing database without replace', async () => {
    await assert.rejects(restoreMariadb(dir, mariaProfile(copy)), (e) => isAppError(e, 'CONFLICT'));
  });

  it('restores selected tables: re-creates a dropped one, replaces rows of another without firing triggers', async () => {
    await q(copy, 'DROP TABLE contacts');
    await q(copy, 'DELETE FROM payments WHERE id % 3 = 0');
    const audit = await q(copy, 'SELECT COUNT(*) AS n FROM audit_events');
    await assert.rejects(restoreMariadb(dir, mariaProfile(copy), { tables: ['contacts', 'payments'] }), (e) =>
      isAppError(e, 'CONFLICT'),
    );
    await restoreMariadb(dir, mariaProfile(copy), { tables: ['contacts', 'payments'], mode: 'replace' });
    const v = await validateMariadb(facts, mariaProfile(copy), { tables: ['contacts', 'payments'] });
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.deepEqual(await q(copy, 'SELECT COUNT(*) AS n FROM audit_events'), audit, 'no trigger fired');
    const trg = await q(
      copy,
      `SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${copy}'`,
    );
    assert.deepEqual(trg, [{ n: 'payments_audit' }], 'trigger put back');
  });
});
