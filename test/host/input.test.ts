import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SessionRef } from '../../src/main/host/context.js';
import { fakePorts } from './fake-ports.js';
import { makeTestHost, ok, setupAdmin, stepUp, type TestHost } from './support.js';

describe('bad input gets clear codes, never a crash', () => {
  let t: TestHost;
  let admin: SessionRef;
  before(async () => {
    t = makeTestHost({ ports: fakePorts().ports });
    ({ ref: admin } = await setupAdmin(t));
  });
  after(async () => t.close());

  const expectError = async (method: string, input: unknown, code: string, pattern?: RegExp) => {
    const r = await t.host.call(admin, method, input);
    assert.equal(r.ok, false, `${method} should fail`);
    if (r.ok) return;
    assert.equal(r.error.code, code, `${method}: ${r.error.message}`);
    if (pattern) assert.match(r.error.message, pattern);
    assert.doesNotMatch(JSON.stringify(r.error), /at .*\.js:\d+|stack/i, 'no stack traces');
  };

  it('wrong types name the field', async () => {
    await stepUp(t, admin, 'admin');
    await expectError(
      'users.create',
      { username: 'bob', displayName: 'Bob', role: 5, password: 'long enough password' },
      'INVALID_INPUT',
      /role/,
    );
    await expectError(
      'users.create',
      { username: 'Bob Smith', displayName: 'Bob', role: 'dba', password: 'long enough password' },
      'INVALID_INPUT',
      /username/,
    );
    await expectError(
      'users.create',
      { username: 'bob', displayName: 'Bob', role: 'dba', password: 'short' },
      'INVALID_INPUT',
      /password: must be at least 12/,
    );
    await expectError('jobs.list', { limit: 'ten' }, 'INVALID_INPUT', /limit/);
    await expectError(
      'incidents.open',
      { title: 'x', severity: 'apocalyptic', dataLoss: 'none', scope: 's', recoveryPlan: 'p' },
      'INVALID_INPUT',
      /severity/,
    );
  });

  it('non-object inputs and unknown fields are refused', async () => {
    for (const input of [null, 42, 'x', [1, 2]]) await expectError('incidents.list', input, 'INVALID_INPUT');
    await expectError(
      'incidents.list',
      { status: 'open', admin: true },
      'INVALID_INPUT',
      /unknown field.*"admin"/,
    );
  });

  it('unknown ids are NOT_FOUND', async () => {
    await expectError('plans.get', { id: 'nope' }, 'NOT_FOUND', /plan/);
    await expectError('incidents.get', { id: 'nope' }, 'NOT_FOUND', /incident/);
    await expectError('snapshots.list', { targetId: 'nope' }, 'NOT_FOUND', /storage target/);
    await expectError('no.such.call', {}, 'NOT_FOUND', /Unknown call/);
  });

  it('path traversal strings are refused', async () => {
    await expectError(
      'snapshots.browse',
      { targetId: 't1', id: 'abcdef12', path: '../../etc' },
      'INVALID_INPUT',
      /path.*\.\./,
    );
    await expectError(
      'snapshots.browse',
      { targetId: 't1', id: 'abcdef12', path: '/etc/passwd' },
      'INVALID_INPUT',
      /path/,
    );
    await expectError(
      'snapshots.browse',
      { targetId: '../t', id: 'abcdef12', path: '' },
      'INVALID_INPUT',
      /targetId/,
    );
    await expectError(
      'restore.toStaging',
      {
        request: { targetId: 't1', snapshotId: 'abcdef12', scope: { kind: 'complete' } },
        staging: { directory: '/srv/../../etc' },
      },
      'INVALID_INPUT',
      /directory/,
    );
    await expectError(
      'restore.preview',
      {
        request: {
          targetId: 't1',
          snapshotId: 'abcdef12',
          scope: { kind: 'selective', include: ['files/../../x'] },
        },
        destination: 'production',
      },
      'INVALID_INPUT',
      /include/,
    );
    await stepUp(t, admin, 'admin');
    await expectError(
      'storage.create',
      { name: 'x', role: 'local', config: { kind: 'local', path: 'relative/dir' } },
      'INVALID_INPUT',
      /path/,
    );
  });

  it('an invalid time zone is refused by name', async () => {
    await expectError(
      'plans.previewSchedule',
      { schedule: { cron: '0 0 * * *', timeZone: 'Mars/Olympus' } },
      'INVALID_INPUT',
      /schedule\.timeZone: must be an IANA time zone/,
    );
    await expectError('settings.update', { timeZone: 'EAT+3' }, 'INVALID_INPUT', /timeZone/);
    ok(await t.host.call(admin, 'settings.update', { timeZone: 'Africa/Nairobi' }));
  });

  it('a service that is not wired answers CONFIG', async () => {
    await expectError('keys.status', {}, 'CONFIG', /no keys service/);
  });
});
