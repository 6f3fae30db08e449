/**
 * PostgreSQL round trip against the real server: dump -> restore into a new database -> schema and
 * every table's data identical, sequences equal, validation all-match; selective restore into an
 * existing staging database touches nothing else; CONFLICT and cancel behaviour.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../src/main/platform/errors.js';
import type { DbFacts } from '../../src/main/sources/facts.js';
import { dumpPostgres } from '../../src/main/sources/postgres/dump.js';
import { restorePostgres } from '../../src/main/sources/postgres/restore.js';
import { pgTool } from '../../src/main/sources/postgres/tools.js';
import { validatePostgres } from '../../src/main/sources/postgres/validate.js';
import { buildPgMgmtDb, dropPg, pgProfile, uniqueDbName, withPgDb } from '../support/mgmt-db.js';
import { listFiles, pgDbExists, rawSchema, sequenceValues, tableHashes, tempDir } from './helpers.js';

describe('postgres dump / restore / validate', () => {
  const src = uniqueDbName('mvono_pg_src');
  const copy = uniqueDbName('mvono_pg_copy');
  const staging = uniqueDbName('mvono_pg_stg');
  const cancelled = uniqueDbName('mvono_pg_cxl');
  let dir = '';
  let facts: DbFacts;

  before(async () => {
    await buildPgMgmtDb(src);
    dir = await tempDir();
  });
  after(async () => {
    await dropPg(src, copy, staging, cancelled);
    await rm(dir, { recursive: true, force: true });
  });

  it('dumps in directory format with globals and facts taken in the same snapshot', async (t) => {
    const phases: string[] = [];
    const t0 = performance.now();
    facts = await dumpPostgres(pgProfile(src), dir, {
      jobs: 2,
      progress: { update: (p) => phases.push(p.phase), log: () => {} },
    });
    const ms = performance.now() - t0;
    const files = await listFiles(dir);
    assert.ok(files.includes(join('dump', 'toc.dat')));
    assert.ok(files.includes('globals.sql') && files.includes('facts.json'));
    assert.ok(
      files.filter((f) => f.endsWith('.dat') && f !== join('dump', 'toc.dat')).length >= 14,
      'one file per table',
    );
    let bytes = 0;
    for (const f of files) bytes += (await stat(join(dir, f))).isFile() ? (await stat(join(dir, f))).size : 0;
    t.diagnostic(
      `dump: ${ms.toFixed(0)} ms, ${(bytes / 1e6).toFixed(2)} MB on disk, db ${(facts.sizeBytes / 1e6).toFixed(1)} MB`,
    );
    assert.ok(phases.includes('postgres: dumping tables'));
    const clients = facts.tables.find((x) => x.name === 'public.clients');
    assert.equal(clients?.rows, 400);
    assert.equal(Object.keys(clients?.samples ?? {}).length, 50);
    const rates = facts.tables.find((x) => x.name === 'public.exchange_rates');
    assert.equal(rates?.primaryKey, undefined, 'exchange_rates has no primary key');
    assert.match(rates?.wholeHash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(facts.sequences?.['public.invoice_number_seq'], 424242);
    assert.equal(
      facts.tables.find((x) => x.name === 'public.invoices'),
      undefined,
      'facts are per partition',
    );
    assert.ok(facts.tables.some((x) => x.name === 'public.invoices_2024'));
    assert.deepEqual(facts.warnings, []);
  });

  it('runs pg_dump in the batch scheduling class (its wakeups do not preempt the server)', async () => {
    // A tools directory whose pg_dump notes its scheduling class, then runs the real one.
    const bin = join(dir, 'noting-bin');
    const log = join(dir, 'pg_dump-classes.log');
    await mkdir(bin, { recursive: true });
    const wait = 'for i in $(seq 100); do chrt -p $$ | grep -q SCHED_BATCH && break; sleep 0.01; done';
    await writeFile(
      join(bin, 'pg_dump'),
      `#!/bin/sh\n${wait}\necho "$1 $(chrt -p $$)" >> "${log}"\nexec "${pgTool('pg_dump')}" "$@"\n`,
    );
    await chmod(join(bin, 'pg_dump'), 0o755);
    await symlink(pgTool('pg_restore'), join(bin, 'pg_restore'));
    await dumpPostgres(pgProfile(src), join(dir, 'noted'), { tools: { binDir: bin }, globals: false });
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    assert.match(lines.find((l) => l.startsWith('--format=directory')) ?? '', /SCHED_BATCH/);
    assert.match(
      lines.find((l) => l.startsWith('--version')) ?? '',
      /SCHED_OTHER/,
      'the version check is not',
    );
    await rm(join(dir, 'noted'), { recursive: true, force: true });
  });

  it('restores into a new database that is identical to the source', async (t) => {
    const t0 = performance.now();
    const r = await restorePostgres(dir, pgProfile(copy), { mode: 'new', jobs: 2 });
    t.diagnostic(`restore: ${(performance.now() - t0).toFixed(0)} ms, ${r.tablesRestored} tables`);
    assert.equal(await rawSchema(copy), await rawSchema(src));
    assert.deepEqual(await tableHashes(copy), await tableHashes(src));
    assert.deepEqual(await sequenceValues(copy), await sequenceValues(src));
    const v = await validatePostgres(facts, pgProfile(copy));
    assert.equal(v.ok, true, JSON.stringify(v.tables.filter((x) => x.status !== 'match')));
    assert.equal(v.schemaMatch, true);
    assert.ok(v.tables.every((x) => x.status === 'match'));
    const text = await withPgDb(
      copy,
      async (c) =>
        (await c.query<{ name: string }>("SELECT name FROM clients WHERE name LIKE '%☕%' LIMIT 1")).rows[0]
          ?.name,
    );
    assert.match(text ?? '', /Nairobi ☕ Roasters/);
  });

  it('validation notices a changed row and a missing table', async () => {
    await withPgDb(copy, async (c) => {
      await c.query("UPDATE invoice_lines SET description = description || ' (edited)'");
      await c.query('DROP TABLE documents');
    });
    const v = await validatePostgres(facts, pgProfile(copy));
    assert.equal(v.ok, false);
    assert.equal(v.tables.find((x) => x.name === 'public.invoice_lines')?.status, 'mismatch');
    assert.equal(v.tables.find((x) => x.name === 'public.invoice_lines')?.sampleMismatches, 50);
    assert.equal(v.tables.find((x) => x.name === 'public.documents')?.status, 'missing');
    assert.equal(v.schemaMatch, false);
  });

  it('refuses to restore over an existing database unless replace, and replace works', async () => {
    await assert.rejects(
      restorePostgres(dir, pgProfile(copy), { mode: 'new' }),
      (e) => isAppError(e, 'CONFLICT') && /already exists/.test(e.message),
    );
    await restorePostgres(dir, pgProfile(copy), { mode: 'replace' });
    assert.equal((await validatePostgres(facts, pgProfile(copy))).ok, true);
  });

  it('selective restore of two tables into an existing staging database touches nothing else', async () => {
    await restorePostgres(dir, pgProfile(staging), { mode: 'new' });
    // Staging drifts: both selected tables change, and so do other tables (which must stay as they are).
    await withPgDb(staging, async (c) => {
      await c.query('DELETE FROM contacts WHERE id % 2 = 0');
      await c.query("UPDATE clients SET notes = 'staging edit' WHERE id <= 50"); // fires audit + updated_at triggers
      await c.query("INSERT INTO exchange_rates VALUES ('JPY', '2025-01-01', 1.234567)");
    });
    const before = await tableHashes(staging);
    const schemaBefore = await rawSchema(staging);
    await assert.rejects(
      restorePostgres(dir, pgProfile(staging), { tables: ['clients', 'contacts'] }),
      (e) => isAppError(e, 'CONFLICT') && /public\.clients/.test(e.message),
    );
    await restorePostgres(dir, pgProfile(staging), {
      tables: ['clients', 'public.contacts'],
      mode: 'replace',
    });
    const after = await tableHashes(staging);
    const source = await tableHashes(src);
    for (const t of Object.keys(after)) {
      if (t === 'public.clients' || t === 'public.contacts')
        assert.equal(after[t], source[t], `${t} restored`);
      else assert.equal(after[t], before[t], `${t} untouched`);
    }
    assert.equal(await rawSchema(staging), schemaBefore);
    const v = await validatePostgres(facts, pgProfile(staging), { tables: ['clients', 'contacts'] });
    assert.equal(v.ok, true);
    assert.equal(v.schemaMatch, null);
  });

  it('selective restore re-creates a dropped table with its indexes, constraints and triggers', async () => {
    await withPgDb(staging, (c) => c.query('DROP TABLE payments'));
    await restorePostgres(dir, pgProfile(staging), { tables: ['payments'] });
    const schema = await rawSchema(staging);
    assert.match(schema, /CREATE TRIGGER payments_audit/);
    assert.match(schema, /payments_invoice_id_invoice_issued_on_fkey/);
    assert.match(schema, /ALTER SEQUENCE public\.payments_id_seq OWNED BY public\.payments\.id/);
    const v = await validatePostgres(facts, pgProfile(staging), { tables: ['payments'] });
    assert.equal(v.ok, true);
    const seq = await sequenceValues(staging);
    assert.equal(seq['public.payments_id_seq'], String(facts.sequences?.['public.payments_id_seq']));
  });

  it('restoring a partitioned table brings its partitions', async () => {
    await withPgDb(staging, (c) => c.query('DROP TABLE invoice_lines, payments; DROP TABLE invoices'));
    await restorePostgres(dir, pgProfile(staging), { tables: ['invoices', 'invoice_lines', 'payments'] });
    const v = await validatePostgres(facts, pgProfile(staging), {
      tables: [
        'invoices_2022',
        'invoices_2023',
        'invoices_2024',
        'invoices_2025',
        'invoice_lines',
        'payments',
      ],
    });
    assert.equal(v.ok, true, JSON.stringify(v.tables));
  });

  it('a cancelled restore into a new database drops it', async () => {
    const ac = new AbortController();
    const p = restorePostgres(dir, pgProfile(cancelled), { mode: 'new', signal: ac.signal, jobs: 1 });
    setTimeout(() => ac.abort(), 250);
    await assert.rejects(p, (e) => isAppError(e, 'CANCELLED'));
    assert.equal(await pgDbExists(cancelled), false);
  });

  it('rejects a directory without a dump', async () => {
    const empty = await tempDir();
    await assert.rejects(restorePostgres(empty, pgProfile(uniqueDbName()), {}), (e) =>
      isAppError(e, 'NOT_FOUND'),
    );
    await rm(empty, { recursive: true });
  });
});
