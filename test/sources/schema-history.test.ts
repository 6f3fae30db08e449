/**
 * Schema history: the normalised schema is committed to a git repository only when it changes;
 * the commit message names the database, both times and what changed. The PostgreSQL event trigger
 * + LISTEN watcher turns a DDL statement into a commit within seconds.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/main/platform/clock.js';
import { diffSchemas, summaryLine } from '../../src/main/sources/schema-history/diff.js';
import { listSchemaHistory } from '../../src/main/sources/schema-history/git.js';
import { normalisePostgresSchema } from '../../src/main/sources/schema-history/normalise.js';
import {
  installSchemaTrigger,
  uninstallSchemaTrigger,
  watchSchemaChanges,
} from '../../src/main/sources/schema-history/pg-watch.js';
import { recordSchema } from '../../src/main/sources/schema-history/record.js';
import {
  buildMariaMgmtDb,
  buildPgMgmtDb,
  dropMaria,
  dropPg,
  mariaAdmin,
  pgProfile,
  uniqueDbName,
  withPgDb,
} from '../support/mgmt-db.js';
import { tempDir } from './helpers.js';

const SMALL = { users: 5, clients: 5, projects: 5, invoices: 5, linesPerInvoice: 1, documents: 5, rates: 5 };

describe('schema history', () => {
  const db = uniqueDbName('mvono_sh');
  const mdb = uniqueDbName('mvono_shm');
  let repo = '';
  const clock = new FakeClock('2025-03-16T09:30:00Z');
  before(async () => {
    await buildPgMgmtDb(db, SMALL);
    repo = await tempDir('mvono-schema-git-');
  });
  after(async () => {
    await uninstallSchemaTrigger(pgProfile(db)).catch(() => {});
    await dropPg(db);
    await dropMaria(mdb);
    await rm(repo, { recursive: true, force: true });
  });

  it('normalisation removes dump noise', () => {
    const a =
      '--\n-- Dumped by pg_dump version 15.20\n--\n\\restrict abc\nSET statement_timeout = 0;\n\nCREATE TABLE public.t (\n    id integer\n);\n';
    const b =
      '--\n-- Dumped by pg_dump version 16.1\n--\n\\restrict xyz\nSET lock_timeout = 0;\nCREATE TABLE public.t (\n    id integer\n);\n\n\n';
    assert.equal(normalisePostgresSchema(a), normalisePostgresSchema(b));
  });

  it('first record commits, no change commits nothing, ADD COLUMN commits exactly once with a summary', async () => {
    const cfg = { repoDir: repo, clock };
    const first = await recordSchema(pgProfile(db), cfg);
    assert.equal(first.committed, true);
    assert.match(first.summary, /initial schema \(\d+ tables\)/);
    const again = await recordSchema(pgProfile(db), cfg);
    assert.equal(again.committed, false);
    assert.equal((await listSchemaHistory(repo)).length, 1);

    await withPgDb(db, (c) => c.query('ALTER TABLE clients ADD COLUMN vat_number text'));
    clock.advance(3600_000);
    const changed = await recordSchema(pgProfile(db), cfg);
    assert.equal(changed.committed, true);
    assert.equal(changed.summary, '1 column added');
    assert.equal((await recordSchema(pgProfile(db), cfg)).committed, false);

    const log = await listSchemaHistory(repo, { kind: 'postgres', database: db });
    assert.equal(log.length, 2);
    const top = log[0];
    assert.equal(top?.summary, '1 column added');
    assert.equal(top?.time, '2025-03-16T10:30:00.000Z');
    assert.match(top?.message ?? '', new RegExp(`^postgres/${db}: 1 column added`));
    assert.match(
      top?.message ?? '',
      /Time: 2025-03-16T10:30:00\.000Z \(16\/03\/2025, 13:30:00 EAT \(Africa\/Nairobi\)\)/,
    );
    assert.match(top?.message ?? '', /Columns added: clients\.vat_number/);
    const file = await readFile(join(repo, 'postgres', `${db}.sql`), 'utf8');
    assert.match(file, /vat_number text/);
    assert.doesNotMatch(file, /^--|^SET /m);
  });

  it('summarises tables added and dropped', () => {
    const a = 'CREATE TABLE public.a (\n    x integer\n);\n\nCREATE TABLE public.b (\n    y integer\n);\n';
    const b = 'CREATE TABLE public.a (\n    z integer\n);\n\nCREATE TABLE public.c (\n    y integer\n);\n';
    const d = diffSchemas(a, b);
    assert.deepEqual(d.tablesAdded, ['c']);
    assert.deepEqual(d.tablesDropped, ['b']);
    assert.deepEqual(d.columnsAdded, ['a.z']);
    assert.deepEqual(d.columnsDropped, ['a.x']);
    assert.equal(summaryLine(d), '1 table added, 1 table dropped, 1 column added, 1 column dropped');
  });

  it('MariaDB schema changes are recorded the same way', async () => {
    const p = await buildMariaMgmtDb(mdb, SMALL);
    const cfg = { repoDir: repo, clock };
    assert.equal((await recordSchema(p, cfg)).committed, true);
    assert.equal((await recordSchema(p, cfg)).committed, false, 'AUTO_INCREMENT drift is not a change');
    const c = await mariaAdmin(mdb);
    await c.query(
      "INSERT INTO users (email, full_name, role, created_at) VALUES ('x@y', 'X', 'admin', NOW())",
    );
    assert.equal((await recordSchema(p, cfg)).committed, false);
    await c.query('CREATE TABLE timesheets (id int PRIMARY KEY, hours decimal(5,2))');
    await c.end();
    const r = await recordSchema(p, cfg);
    assert.equal(r.summary, '1 table added');
  });

  it('a DDL statement reaches the watcher via the event trigger and becomes a commit', async () => {
    await installSchemaTrigger(pgProfile(db));
    const ac = new AbortController();
    const events: string[][] = [];
    const committed = new Promise<string>((resolve) => {
      void watchSchemaChanges(
        pgProfile(db),
        async (ev) => {
          events.push(ev.tags);
          const r = await recordSchema(pgProfile(db), { repoDir: repo, clock });
          resolve(r.summary);
        },
        ac.signal,
        { debounceMs: 200 },
      );
    });
    await new Promise((r) => setTimeout(r, 500)); // let LISTEN start
    await withPgDb(db, (c) => c.query('CREATE TABLE timesheets (id serial PRIMARY KEY, hours numeric(5,2))'));
    const summary = await Promise.race([
      committed,
      new Promise((_, rej) => setTimeout(() => rej(new Error('no notification within 10 s')), 10_000)),
    ]);
    ac.abort();
    assert.match(String(summary), /1 table added/);
    assert.ok(events[0]?.includes('CREATE TABLE'));
  });
});
