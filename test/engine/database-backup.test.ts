/**
 * Databases through the repository, as operators run it: `backup --postgres/--mariadb`, day-2
 * dedup after updating ~2% of rows, `restore --db-target` into a new database with an all-match
 * validation report, and byte-identical schema and data.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pgDbExists, rawSchema, tableHashes } from '../sources/helpers.js';
import { lastJson, runCli } from '../support/cli.js';
import {
  buildMariaMgmtDb,
  buildPgMgmtDb,
  dropMaria,
  dropPg,
  uniqueDbName,
  withPgDb,
} from '../support/mgmt-db.js';

interface BackupJson {
  snapshot: string;
  summary: { storedBytes: number; addedBytes: number; bytes: number };
}
interface RestoreJson {
  validation: { ok: boolean; schemaMatch: boolean | null; tables: { name: string; status: string }[] };
  safetySnapshot?: string;
}

describe('PostgreSQL through the repository', () => {
  let dir: string;
  let env: Record<string, string>;
  let src: string;
  const restored = uniqueDbName('mvono_rt');
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-dbrepo-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'pw' };
    src = (await buildPgMgmtDb()).database;
    assert.equal((await runCli(['init', '--no-keychain'], env)).code, 0);
  });
  after(async () => {
    await dropPg(src, restored);
    await rm(dir, { recursive: true, force: true });
  });

  it('day 2 after updating ~2% of rows stores far less than day 1 (ratio reported)', async (t) => {
    const uri = `postgres://postgres@127.0.0.1:5432/${src}`;
    const day1 = lastJson<BackupJson>(await runCli(['backup', '--postgres', uri, '--json'], env));
    await withPgDb(src, async (c) => {
      await c.query('UPDATE payments SET amount = amount + 1 WHERE id % 50 = 0');
      await c.query("UPDATE clients SET name = name || ' Ltd' WHERE id % 50 = 0");
    });
    const day2 = lastJson<BackupJson>(await runCli(['backup', '--postgres', uri, '--json'], env));
    const ratio = day2.summary.storedBytes / day1.summary.storedBytes;
    t.diagnostic(
      `day 1 stored ${day1.summary.storedBytes} B, day 2 stored ${day2.summary.storedBytes} B: ratio ${ratio.toFixed(3)}`,
    );
    assert.ok(ratio < 0.5, `day 2 stored ${(ratio * 100).toFixed(1)}% of day 1`);
  });

  it('restores into a new database: identical schema and data, validation all-match', async () => {
    const r = await runCli(
      ['restore', 'latest', '--db-target', `postgres://postgres@127.0.0.1:5432/${restored}`, '--json'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const res = lastJson<RestoreJson>(r);
    assert.equal(res.validation.ok, true);
    assert.equal(res.validation.schemaMatch, true);
    assert.ok(res.validation.tables.length >= 10);
    assert.ok(res.validation.tables.every((x) => x.status === 'match'));
    assert.equal(await rawSchema(restored), await rawSchema(src));
    assert.deepEqual(await tableHashes(restored), await tableHashes(src));
  });

  it('into a new database: refuses an existing one untouched; a failure before the restore begins leaves no database', async () => {
    // The new database is created while the repository opens (restore-db.ts), so these also check
    // that it is dropped again when the restore cannot go on.
    const uri = (db: string) => `postgres://postgres@127.0.0.1:5432/${db}`;
    const before = await tableHashes(restored);
    const exists = await runCli(['restore', 'latest', '--db-target', uri(restored), '--json'], env);
    assert.notEqual(exists.code, 0);
    assert.equal(lastJson<{ error: { code: string } }>(exists).error.code, 'CONFLICT', exists.stderr);
    assert.deepEqual(await tableHashes(restored), before, 'the existing database is untouched');

    const fresh = uniqueDbName('mvono_rt_none');
    const noSnap = await runCli(['restore', 'ffffffff', '--db-target', uri(fresh), '--json'], env);
    assert.notEqual(noSnap.code, 0);
    assert.equal(await pgDbExists(fresh), false, 'no database left after an unknown snapshot');
    const wrongKey = await runCli(
      ['restore', 'latest', '--db-target', uri(fresh), '--no-keychain', '--json'],
      {
        ...env,
        MVONO_BACKUP_PASSWORD: 'not-the-passphrase',
      },
    );
    assert.equal(lastJson<{ error: { code: string } }>(wrongKey).error.code, 'WRONG_KEY', wrongKey.stderr);
    assert.equal(await pgDbExists(fresh), false, 'no database left after a wrong passphrase');
  });

  it('refuses to replace an existing database without the typed confirmation; with it takes a safety snapshot', async () => {
    const target = `postgres://postgres@127.0.0.1:5432/${restored}`;
    const no = await runCli(['restore', 'latest', '--db-target', target, '--replace'], env);
    assert.notEqual(no.code, 0);
    assert.match(no.stderr, /typed confirmation/);
    const wrong = await runCli(
      ['restore', 'latest', '--db-target', target, '--replace', '--confirm', 'production'],
      env,
    );
    assert.notEqual(wrong.code, 0);
    const yes = lastJson<RestoreJson>(
      await runCli(
        ['restore', 'latest', '--db-target', target, '--replace', '--confirm', restored, '--json'],
        env,
      ),
    );
    assert.equal(yes.validation.ok, true);
    assert.ok(yes.safetySnapshot);
    const snaps = lastJson<{ id: string; kind: string }[]>(await runCli(['snapshots', '--json'], env));
    assert.equal(snaps.find((s) => s.id === yes.safetySnapshot)?.kind, 'safety');
  });
});

describe('MariaDB through the repository', () => {
  let dir: string;
  let env: Record<string, string>;
  let src: string;
  const restored = uniqueDbName('mvono_mrt');
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-mdbrepo-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'pw' };
    src = (await buildMariaMgmtDb()).database;
    assert.equal((await runCli(['init', '--no-keychain'], env)).code, 0);
  });
  after(async () => {
    await dropMaria(src, restored);
    await rm(dir, { recursive: true, force: true });
  });

  it('backs up with routines, triggers, views and non-ASCII data and restores all-match', async () => {
    const b = await runCli(['backup', '--mariadb', `mariadb://root@127.0.0.1:3306/${src}`, '--json'], env);
    assert.equal(b.code, 0, b.stderr);
    const ls = lastJson<{ path: string }[]>(await runCli(['ls', 'latest', '--json'], env)).map((e) => e.path);
    assert.ok(ls.some((p) => p.startsWith(`/mariadb-${src}/`)));
    const r = await runCli(
      ['restore', 'latest', '--db-target', `mariadb://root@127.0.0.1:3306/${restored}`, '--json'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const res = lastJson<RestoreJson>(r);
    assert.equal(res.validation.ok, true, JSON.stringify(res.validation));
  });
});
