/** The child-process runner and connection profiles (no database needed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/main/platform/errors.js';
import { ProcessError, runProcess } from '../../src/main/platform/process.js';
import { formatProfileUri, parseProfileUri, redactUri } from '../../src/main/sources/profile.js';

describe('runProcess', () => {
  it('passes args without a shell and env, captures stdout', async () => {
    const r = await runProcess('/bin/sh', ['-c', 'printf "%s|%s" "$1" "$MV_X"', 'sh', 'a b; $(rm -rf /)'], {
      env: { MV_X: 'y' },
    });
    assert.equal(r.stdout, 'a b; $(rm -rf /)|y');
  });
  it('fails on a bad exit code with the stderr tail', async () => {
    const e = await runProcess('/bin/sh', ['-c', 'for i in 1 2 3 4 5; do echo line$i >&2; done; exit 3'], {
      tailLines: 2,
    }).catch((x) => x);
    assert.ok(e instanceof ProcessError);
    assert.equal(e.exitCode, 3);
    assert.equal(e.stderrTail, 'line4\nline5');
  });
  it('runs a tool in the batch scheduling class when asked (Linux), and others as they are', async () => {
    // The class is set just after the spawn: the script waits until it sees it (or gives up).
    const wait =
      'for i in $(seq 100); do chrt -p $$ | grep -q SCHED_BATCH && break; sleep 0.01; done; chrt -p $$';
    const batch = await runProcess('/bin/sh', ['-c', wait], { batch: true });
    assert.match(batch.stdout, /scheduling policy: SCHED_BATCH/);
    const normal = await runProcess('/bin/sh', ['-c', 'sleep 0.3; chrt -p $$']);
    assert.match(normal.stdout, /scheduling policy: SCHED_OTHER/);
  });
  it('reports a missing program', async () => {
    const e = await runProcess('/nonexistent/tool', []).catch((x) => x);
    assert.ok(e instanceof ProcessError && e.notFound);
  });
  it('abort sends SIGTERM, then SIGKILL to a child that ignores it', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    const p = runProcess('/bin/sh', ['-c', "trap '' TERM; sleep 30 & wait; sleep 30"], {
      signal: ac.signal,
      killGraceMs: 300,
    });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (e) => isAppError(e, 'CANCELLED'));
    assert.ok(performance.now() - t0 < 5000);
  });
});

describe('connection profiles', () => {
  it('parses postgres and mariadb URIs, keeping the password apart', () => {
    const { profile, password } = parseProfileUri(
      'postgres://backup:p%40ss@db.example.com:6543/app?sslmode=require',
      { name: 'app' },
    );
    assert.deepEqual(profile, {
      name: 'app',
      kind: 'postgres',
      host: 'db.example.com',
      port: 6543,
      database: 'app',
      user: 'backup',
      tls: 'require',
      environment: 'production',
    });
    assert.equal(password, 'p@ss');
    assert.equal(formatProfileUri(profile), 'postgres://backup@db.example.com:6543/app?sslmode=require');
    const m = parseProfileUri('mysql://root@127.0.0.1/shop', { environment: 'staging' });
    assert.equal(m.profile.kind, 'mariadb');
    assert.equal(m.profile.port, 3306);
    assert.equal(m.profile.environment, 'staging');
    assert.equal(m.password, undefined);
  });
  it('rejects bad URIs without echoing the password', () => {
    assert.throws(
      () => parseProfileUri('ftp://u:topsecret@h/db'),
      (e) => isAppError(e, 'INVALID_INPUT') && !e.message.includes('topsecret'),
    );
    assert.throws(
      () => parseProfileUri('postgres://u:topsecret@h'),
      (e) => isAppError(e, 'INVALID_INPUT') && !e.message.includes('topsecret'),
    );
  });
  it('redactUri hides passwords anywhere in a text', () => {
    assert.equal(
      redactUri('failed: postgres://u:se:cr@t@h:5432/db and mariadb://x:y@z/db, mysql://nopw@h/db'),
      'failed: postgres://u:***@h:5432/db and mariadb://x:***@z/db, mysql://nopw@h/db',
    );
  });
});
