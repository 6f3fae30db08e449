/**
 * Failure cases of the database sources, each with a clear message and nothing left behind:
 * unreachable host, missing database, pg_dump missing or older than the server, tables the user
 * cannot read, disk full during a dump (a real 1 MB tmpfs), wrong MariaDB password. Messages never contain the password.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, isAppError } from '../../src/main/platform/errors.js';
import { runProcess } from '../../src/main/platform/process.js';
import { dumpMariadb } from '../../src/main/sources/mariadb/dump.js';
import { dumpPostgres } from '../../src/main/sources/postgres/dump.js';
import { preflightPostgres } from '../../src/main/sources/postgres/preflight.js';
import {
  buildPgMgmtDb,
  dropPg,
  mariaAdmin,
  mariaProfile,
  pgAdmin,
  pgProfile,
  uniqueDbName,
} from '../support/mgmt-db.js';
import { tempDir } from './helpers.js';

const SECRET = 'S3cret-Wr0ng-pw';

function expectCode(code: string, re: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof AppError, `expected AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, re);
    assert.ok(!e.message.includes(SECRET) && !(e.hint ?? '').includes(SECRET), 'no secret in message');
    return true;
  };
}

describe('source errors', () => {
  const db = uniqueDbName('mvono_pg_err');
  let work = '';
  before(async () => {
    await buildPgMgmtDb(db);
    work = await tempDir();
  });
  after(async () => {
    await dropPg(db);
    await rm(work, { recursive: true, force: true });
  });

  it('host unreachable (port 1)', async () => {
    const dir = join(work, 'unreach');
    await assert.rejects(
      dumpPostgres(pgProfile(db, { port: 1 }), dir, { password: SECRET }),
      expectCode('TRANSIENT', /Cannot reach the PostgreSQL server at 127\.0\.0\.1:1/),
    );
    assert.deepEqual(await readdir(dir).catch(() => []), []);
    await assert.rejects(
      dumpMariadb(mariaProfile('mysql', { port: 1 }), join(work, 'm-unreach'), { password: SECRET }),
      expectCode('TRANSIENT', /Cannot reach the MariaDB server at 127\.0\.0\.1:1/),
    );
  });

  it('database missing', async () => {
    const dir = join(work, 'missing');
    await assert.rejects(
      dumpPostgres(pgProfile('mvono_no_such_db'), dir),
      expectCode('NOT_FOUND', /database "mvono_no_such_db" .* does not exist/),
    );
    assert.deepEqual(await readdir(dir).catch(() => []), []);
    await assert.rejects(
      dumpMariadb(mariaProfile('mvono_no_such_db'), join(work, 'm-missing')),
      expectCode('NOT_FOUND', /MariaDB database "mvono_no_such_db" .* does not exist/),
    );
  });

  it('pg_dump missing from the tools directory', async () => {
    const bin = join(work, 'empty-bin');
    await mkdir(bin, { recursive: true });
    await assert.rejects(
      dumpPostgres(pgProfile(db), join(work, 'nodump'), { tools: { binDir: bin } }),
      expectCode('SOURCE_FAILED', /pg_dump was not found/),
    );
  });

  it('pg_dump older than the server (TEST DOUBLE: a script printing an old version)', async () => {
    const bin = join(work, 'old-bin');
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'pg_dump'),
      '#!/bin/sh\n# test double: an old pg_dump\necho "pg_dump (PostgreSQL) 13.4"\n',
    );
    await chmod(join(bin, 'pg_dump'), 0o755);
    await assert.rejects(
      preflightPostgres(pgProfile(db), { tools: { binDir: bin } }),
      expectCode(
        'SOURCE_FAILED',
        /pg_dump 13\.4 is older than the PostgreSQL server \(15\.\d+.*version 15 or newer/,
      ),
    );
  });

  it('a user who cannot read every table -> PERMISSION_DENIED before anything is dumped', async () => {
    const user = `mvono_noread_${Math.floor(performance.now())}`;
    const admin = await pgAdmin();
    try {
      await admin.query(`CREATE ROLE ${user} LOGIN`);
      const dir = join(work, 'noread');
      await assert.rejects(
        dumpPostgres(pgProfile(db, { user }), dir),
        expectCode(
          'PERMISSION_DENIED',
          new RegExp(`User "${user}" cannot read \\d+ table\\(s\\) of .*public\\.`),
        ),
      );
      assert.deepEqual(await readdir(dir).catch(() => []), []);
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${user}`);
      await admin.end();
    }
  });

  it('disk full during the dump -> NO_SPACE and the partial dump removed', async (t) => {
    const mnt = join(work, 'tiny');
    await mkdir(mnt, { recursive: true });
    await runProcess('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    t.after(() => runProcess('umount', [mnt]).then(() => undefined));
    // The preflight estimate already refuses...
    await assert.rejects(
      dumpPostgres(pgProfile(db), join(mnt, 'a')),
      expectCode('NO_SPACE', /Not enough free space/),
    );
    assert.deepEqual(await readdir(join(mnt, 'a')), []);
    // ...and without it, the disk really fills up mid-dump.
    await assert.rejects(
      dumpPostgres(pgProfile(db), join(mnt, 'b'), { checkSpace: false }),
      expectCode('NO_SPACE', /Ran out of disk space during .*mvono_pg_err/),
    );
    assert.deepEqual(await readdir(join(mnt, 'b')), [], 'partial dump removed');
  });

  it('MariaDB wrong password', async () => {
    const user = `mvono_pw_${Math.floor(performance.now())}`;
    const admin = await mariaAdmin();
    try {
      for (const h of ['%', 'localhost', '127.0.0.1']) {
        await admin.query(`CREATE USER '${user}'@'${h}' IDENTIFIED BY 'the-right-one'`);
        await admin.query(`GRANT SELECT ON mysql.* TO '${user}'@'${h}'`);
      }
      const dir = join(work, 'm-pw');
      await assert.rejects(
        dumpMariadb(mariaProfile('mysql', { user }), dir, { password: SECRET }),
        expectCode('SOURCE_FAILED', new RegExp(`refused the login of user "${user}"`)),
      );
      assert.deepEqual(await readdir(dir).catch(() => []), []);
    } finally {
      for (const h of ['%', 'localhost', '127.0.0.1'])
        await admin.query(`DROP USER IF EXISTS '${user}'@'${h}'`);
      await admin.end();
    }
  });

  it('a tool error never exposes the password given in the environment', async () => {
    // pg_dump against a database that does not exist: its stderr is quoted, the password is not.
    const e = await dumpPostgres(pgProfile('mvono_nope', { user: 'postgres' }), join(work, 'x'), {
      password: SECRET,
    }).catch((x) => x);
    assert.ok(isAppError(e));
    assert.ok(!JSON.stringify(e.toJSON()).includes(SECRET));
  });
});
