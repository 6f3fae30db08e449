/**
 * Pagila (public PostgreSQL sample database: 22 tables, partitioned payments, domains, full-text,
 * functions, triggers) loaded from /work/shared/fixtures/pagila, dumped, restored and validated.
 * Without the fixture the test says so; it fails in CI (process.env.CI set) and passes locally.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { after, it } from 'node:test';
import { runProcess } from '../../src/main/platform/process.js';
import { dumpPostgres } from '../../src/main/sources/postgres/dump.js';
import { restorePostgres } from '../../src/main/sources/postgres/restore.js';
import { validatePostgres } from '../../src/main/sources/postgres/validate.js';
import { createPgDb, dropPg, pgProfile, uniqueDbName } from '../support/mgmt-db.js';
import { rawSchema, tableHashes, tempDir } from './helpers.js';

const FIXTURE = process.env.PAGILA_DIR ?? '/work/shared/fixtures/pagila';
const src = uniqueDbName('mvono_pagila');
const copy = uniqueDbName('mvono_pagila_r');
let dir = '';
after(async () => {
  await dropPg(src, copy);
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('pagila: dump, restore into a new database, validate all-match', async (t) => {
  if (!existsSync(`${FIXTURE}/pagila-schema.sql`) || !existsSync(`${FIXTURE}/pagila-data.sql`)) {
    t.diagnostic(`Pagila fixture not found in ${FIXTURE}; this test did not run.`);
    assert.ok(!process.env.CI, 'the Pagila fixture is required in CI');
    return;
  }
  await createPgDb(src);
  const env = { PGHOST: '127.0.0.1', PGPORT: '5432', PGUSER: 'postgres' };
  for (const f of ['pagila-schema.sql', 'pagila-data.sql']) {
    await runProcess(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--dbname', src, '--file', `${FIXTURE}/${f}`],
      { env, stdout: 'ignore' },
    );
  }
  dir = await tempDir();
  let t0 = performance.now();
  const facts = await dumpPostgres(pgProfile(src), dir, { jobs: 2 });
  t.diagnostic(`pagila dump ${(performance.now() - t0).toFixed(0)} ms; restore...`);
  t0 = performance.now();
  await restorePostgres(dir, pgProfile(copy), { jobs: 2 });
  t.diagnostic(`pagila restore ${(performance.now() - t0).toFixed(0)} ms`);
  const v = await validatePostgres(facts, pgProfile(copy));
  assert.equal(v.ok, true, JSON.stringify(v.tables.filter((x) => x.status !== 'match')));
  assert.ok(v.tables.length >= 20);
  assert.equal(facts.tables.find((x) => x.name === 'public.rental')?.rows, 16044);
  assert.equal(await rawSchema(copy), await rawSchema(src));
  assert.deepEqual(await tableHashes(copy), await tableHashes(src));
});
