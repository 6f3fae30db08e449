import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SessionRef } from '../../src/main/host/context.js';
import { fakePorts } from './fake-ports.js';
import {
  ADMIN_PASSWORD,
  addUser,
  code,
  errCode,
  makeTestHost,
  nextWindow,
  ok,
  setupAdmin,
  stepUp,
  type TestHost,
} from './support.js';

describe('emergency restore: two-person authorization', () => {
  let t: TestHost;
  let admin: SessionRef;
  let oncall: SessionRef;
  let targetId: string;
  let incidentId: string;
  const fp = fakePorts();
  const request = {
    targetId: '',
    snapshotId: 'abcdef12',
    scope: { kind: 'database', components: ['postgres-app'] },
  };

  before(async () => {
    t = makeTestHost({ ports: fp.ports });
    ({ ref: admin } = await setupAdmin(t));
    oncall = await addUser(t, admin, 'olive', 'oncall');
    await stepUp(t, admin, 'admin');
    targetId = ok<{ id: string }>(
      await t.host.call(admin, 'storage.create', {
        name: 'local',
        role: 'local',
        config: { kind: 'local', path: '/srv/backups' },
      }),
    ).id;
    request.targetId = targetId;
    incidentId = ok<{ id: string }>(
      await t.host.call(oncall, 'incidents.open', {
        title: 'Orders table corrupted',
        severity: 'critical',
        dataLoss: 'corruption',
        scope: 'orders since 10:00',
        recoveryPlan: "restore last night's full backup",
      }),
    ).id;
  });
  after(async () => t.close());

  const requestRestore = async () =>
    ok<{ requestId: string; state: string; paramsHash: string }>(
      await t.host.call(oncall, 'emergency.requestRestore', {
        incidentId,
        request,
        reason: 'orders corrupted',
      }),
    );
  const approve = async (requestId: string, decision = 'approve') => {
    const r = await t.host.call(oncall, 'approvals.decide', {
      requestId,
      decision,
      username: 'admin',
      password: ADMIN_PASSWORD,
      totp: code(t.secrets.get('admin') ?? '', t.clock),
    });
    nextWindow(t.clock);
    return r;
  };
  const execute = async (requestId: string) => {
    await stepUp(t, oncall, 'olive');
    return t.host.call(oncall, 'emergency.executeRestore', { requestId });
  };

  it('on-call cannot restore to production directly', async () => {
    await stepUp(t, oncall, 'olive');
    assert.equal(errCode(await t.host.call(oncall, 'restore.toProduction', { request })), 'FORBIDDEN');
  });

  it('a pending request cannot be executed', async () => {
    const a = await requestRestore();
    assert.equal(a.state, 'pending');
    assert.equal(errCode(await execute(a.requestId)), 'FORBIDDEN');
    assert.equal(fp.productionRestores.length, 0);
  });

  it('an administrator approves on the same console without replacing the on-call session', async () => {
    const a = await requestRestore();
    const before = oncall.token;
    const decided = ok<{ state: string; decidedBy: string; expiresAt: string }>(await approve(a.requestId));
    assert.equal(decided.state, 'approved');
    assert.equal(decided.decidedBy, 'admin');
    assert.equal(oncall.token, before, 'session unchanged');
    assert.equal(ok<{ username: string }>(await t.host.call(oncall, 'auth.me', {})).username, 'olive');
    const started = ok<{ jobId: string }>(await execute(a.requestId));
    assert.ok(started.jobId);
    const last = fp.productionRestores.at(-1);
    assert.deepEqual(last?.ctx.approval, { requestId: a.requestId, approvedBy: 'admin' });
    assert.equal(last?.request.snapshotId, 'abcdef12');
    // used once
    assert.equal(errCode(await execute(a.requestId)), 'FORBIDDEN');
  });

  it('approval needs an administrator with a valid password and TOTP', async () => {
    const a = await requestRestore();
    const wrong = await t.host.call(oncall, 'approvals.decide', {
      requestId: a.requestId,
      decision: 'approve',
      username: 'admin',
      password: ADMIN_PASSWORD,
      totp: '000000',
    });
    assert.equal(errCode(wrong), 'UNAUTHENTICATED');
    const notAdmin = await t.host.call(oncall, 'approvals.decide', {
      requestId: a.requestId,
      decision: 'approve',
      username: 'olive',
      password: 'olive-password-123',
      totp: code(t.secrets.get('olive') ?? '', t.clock),
    });
    nextWindow(t.clock);
    assert.equal(errCode(notAdmin), 'FORBIDDEN');
    t.host.services.auth.unlock(t.host.services.auth.users.byUsername('admin')?.id ?? '');
  });

  it('an approval expires after 30 minutes', async () => {
    const a = await requestRestore();
    ok(await approve(a.requestId));
    t.clock.advance(31 * 60_000);
    // keep the on-call session alive through a fresh login
    oncall = { token: undefined };
    ok(
      await t.host.call(oncall, 'auth.login', {
        username: 'olive',
        password: 'olive-password-123',
        totp: code(t.secrets.get('olive') ?? '', t.clock),
      }),
    );
    nextWindow(t.clock);
    const r = await execute(a.requestId);
    assert.equal(errCode(r), 'FORBIDDEN');
    assert.match(r.ok ? '' : (r.error.hint ?? ''), /expired/);
  });

  it('an approval is bound to its parameters: changing them after approval is detected', async () => {
    const a = await requestRestore();
    ok(await approve(a.requestId));
    t.db
      .prepare('UPDATE approvals SET request = ? WHERE request_id = ?')
      .run(JSON.stringify({ ...request, snapshotId: 'ffffffff' }), a.requestId);
    const n = fp.productionRestores.length;
    assert.equal(errCode(await execute(a.requestId)), 'INTEGRITY');
    assert.equal(fp.productionRestores.length, n);
  });

  it('a rejected request cannot run', async () => {
    const a = await requestRestore();
    ok(await approve(a.requestId, 'reject'));
    assert.equal(errCode(await execute(a.requestId)), 'FORBIDDEN');
  });

  it('the whole flow is in the audit log, without the approver password or code', async () => {
    const entries = t.host.services.audit.range(1);
    const decide = entries.filter((e) => e.action === 'approvals.decide');
    assert.ok(decide.length >= 3);
    for (const e of decide) {
      assert.equal(e.params.password, '[redacted]');
      assert.equal(e.params.totp, '[redacted]');
      assert.ok(!JSON.stringify(e).includes(ADMIN_PASSWORD));
    }
    assert.ok(entries.some((e) => e.action === 'emergency.executeRestore' && e.outcome === 'ok'));
    assert.ok(t.host.services.audit.verify().ok);
  });
});
