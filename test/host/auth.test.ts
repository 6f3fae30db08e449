import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SessionRef } from '../../src/main/host/context.js';
import {
  ADMIN_PASSWORD,
  addUser,
  code,
  errCode,
  login,
  makeTestHost,
  nextWindow,
  ok,
  setupAdmin,
  stepUp,
  type TestHost,
} from './support.js';

describe('auth: enrollment, login, MFA, lockout, sessions', () => {
  let t: TestHost;
  let admin: SessionRef;
  let recoveryCodes: string[];
  before(async () => {
    t = makeTestHost();
    ({ ref: admin, recoveryCodes } = await setupAdmin(t));
  });
  after(async () => t.close());

  it('first run creates an enrolled administrator, with 10 recovery codes and a session', async () => {
    assert.equal(recoveryCodes.length, 10);
    const me = ok<{ username: string; role: string }>(await t.host.call(admin, 'auth.me', {}));
    assert.equal(me.username, 'admin');
    assert.equal(me.role, 'admin');
    assert.equal(
      ok<{ setupRequired: boolean }>(await t.host.call(undefined, 'auth.status', {})).setupRequired,
      false,
    );
  });

  it('setup cannot run twice', async () => {
    const r = await t.host.call(undefined, 'auth.setup', {
      username: 'evil',
      displayName: 'E',
      password: 'another long password',
    });
    assert.equal(errCode(r), 'CONFLICT');
  });

  it('enrollment QR is a PNG data URL of an otpauth URI', async () => {
    const t2 = makeTestHost();
    try {
      const en = ok<{ qrDataUrl: string; otpauthUri: string }>(
        await t2.host.call(undefined, 'auth.setup', {
          username: 'root',
          displayName: 'R',
          password: ADMIN_PASSWORD,
        }),
      );
      assert.match(en.qrDataUrl, /^data:image\/png;base64,/);
      assert.match(en.otpauthUri, /^otpauth:\/\/totp\/.*secret=/);
      // a wrong code does not complete enrollment
    } finally {
      await t2.close();
    }
  });

  it('login needs password AND a TOTP code; a good pair signs in', async () => {
    const secret = t.secrets.get('admin') ?? '';
    const ref: SessionRef = { token: undefined };
    assert.equal(
      errCode(await t.host.call(ref, 'auth.login', { username: 'admin', password: ADMIN_PASSWORD })),
      'MFA_REQUIRED',
    );
    const r = ok<{ status: string }>(
      await t.host.call(ref, 'auth.login', {
        username: 'admin',
        password: ADMIN_PASSWORD,
        totp: code(secret, t.clock),
      }),
    );
    assert.equal(r.status, 'ok');
    assert.ok(ref.token && ref.token.length >= 43, '256-bit token');
    assert.equal(ok<{ username: string }>(await t.host.call(ref, 'auth.me', {})).username, 'admin');
    // the same code cannot be used again (replay), even with the right password
    const again = await t.host.call({ token: undefined }, 'auth.login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
      totp: code(secret, t.clock),
    });
    assert.equal(errCode(again), 'UNAUTHENTICATED');
    nextWindow(t.clock);
    ok(
      await t.host.call({ token: undefined }, 'auth.login', {
        username: 'admin',
        password: ADMIN_PASSWORD,
        totp: code(secret, t.clock),
      }),
    );
    nextWindow(t.clock);
  });

  it('the session token is stored only hashed', () => {
    const rows = t.db.prepare('SELECT token_hash FROM sessions').all() as { token_hash: string }[];
    assert.ok(rows.length > 0);
    assert.ok(admin.token);
    assert.ok(rows.every((r) => r.token_hash !== admin.token && /^[0-9a-f]{64}$/.test(r.token_hash)));
  });

  it('wrong TOTP and wrong password are refused with the same message', async () => {
    const a = await t.host.call({ token: undefined }, 'auth.login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
      totp: '000000',
    });
    const b = await t.host.call({ token: undefined }, 'auth.login', {
      username: 'admin',
      password: 'wrong password!',
      totp: '123456',
    });
    const c = await t.host.call({ token: undefined }, 'auth.login', {
      username: 'nobody',
      password: 'wrong password!',
      totp: '123456',
    });
    assert.ok(!a.ok && !b.ok && !c.ok);
    assert.equal(a.error.message, b.error.message);
    assert.equal(b.error.message, c.error.message);
    t.host.services.auth.unlock(t.host.services.auth.users.byUsername('admin')?.id ?? '');
  });

  it('locks after 5 failures for 1 minute, then doubles; an admin can unlock', async () => {
    const oncallRef = await addUser(t, admin, 'olga', 'oncall');
    assert.ok(oncallRef.token);
    const secret = t.secrets.get('olga') ?? '';
    const bad = () =>
      t.host.call({ token: undefined }, 'auth.login', {
        username: 'olga',
        password: 'not her password',
        totp: '000000',
      });
    for (let i = 0; i < 5; i++) assert.equal(errCode(await bad()), 'UNAUTHENTICATED');
    // locked now: even the right credentials are refused
    const locked = await t.host.call({ token: undefined }, 'auth.login', {
      username: 'olga',
      password: 'olga-password-123',
      totp: code(secret, t.clock),
    });
    assert.equal(errCode(locked), 'LOCKED');
    t.clock.advance(61_000);
    assert.equal(errCode(await bad()), 'UNAUTHENTICATED'); // 6th failure -> 2 minutes
    t.clock.advance(61_000);
    assert.equal(errCode(await bad()), 'LOCKED', 'still locked after 1 minute: backoff doubled');
    t.clock.advance(60_000);
    const okNow = await t.host.call({ token: undefined }, 'auth.login', {
      username: 'olga',
      password: 'olga-password-123',
      totp: code(secret, t.clock),
    });
    assert.equal(errCode(okNow), undefined);
    nextWindow(t.clock);
    const u = t.host.services.auth.users.byUsername('olga');
    assert.equal(u?.failed_attempts, 0, 'success resets the counter');
  });

  it('idle sessions expire after 30 minutes; activity keeps them alive', async () => {
    const ref = await addUser(t, admin, 'ivan', 'dba');
    t.clock.advance(29 * 60_000);
    ok(await t.host.call(ref, 'auth.me', {}));
    t.clock.advance(29 * 60_000);
    ok(await t.host.call(ref, 'auth.me', {}));
    t.clock.advance(31 * 60_000);
    assert.equal(errCode(await t.host.call(ref, 'auth.me', {})), 'UNAUTHENTICATED');
  });

  it('step-up: fresh for 5 minutes after a TOTP, then MFA_REQUIRED until a new code', async () => {
    admin = await login(t, 'admin', ADMIN_PASSWORD); // the earlier session idled out above
    await stepUp(t, admin, 'admin');
    const input = { username: 'sam', displayName: 'Sam', role: 'oncall', password: 'sam-password-123' };
    ok(await t.host.call(admin, 'users.create', input));
    t.clock.advance(5 * 60_000 + 1000);
    const r = await t.host.call(admin, 'users.create', { ...input, username: 'sam2' });
    assert.equal(errCode(r), 'MFA_REQUIRED');
    assert.equal(errCode(await t.host.call(admin, 'auth.stepUp', { totp: '000000' })), 'UNAUTHENTICATED');
    await stepUp(t, admin, 'admin');
    ok(await t.host.call(admin, 'users.create', { ...input, username: 'sam2' }));
  });

  it('a recovery code signs in once', async () => {
    const rc = recoveryCodes[0] ?? '';
    const ref: SessionRef = { token: undefined };
    ok(
      await t.host.call(ref, 'auth.login', { username: 'admin', password: ADMIN_PASSWORD, recoveryCode: rc }),
    );
    const again = await t.host.call({ token: undefined }, 'auth.login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
      recoveryCode: rc,
    });
    assert.equal(errCode(again), 'UNAUTHENTICATED');
    t.host.services.auth.unlock(t.host.services.auth.users.byUsername('admin')?.id ?? '');
  });

  it('logout ends the session', async () => {
    const ref: SessionRef = { token: undefined };
    ok(
      await t.host.call(ref, 'auth.login', {
        username: 'admin',
        password: ADMIN_PASSWORD,
        totp: code(t.secrets.get('admin') ?? '', t.clock),
      }),
    );
    nextWindow(t.clock);
    const token = ref.token;
    ok(await t.host.call(ref, 'auth.logout', {}));
    assert.equal(ref.token, undefined);
    assert.equal(errCode(await t.host.call(token, 'auth.me', {})), 'UNAUTHENTICATED');
  });

  it('TOTP secrets are stored encrypted (AES-256-GCM), never in clear', () => {
    const rows = t.db
      .prepare('SELECT totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL')
      .all() as { totp_secret_enc: string }[];
    assert.ok(rows.length >= 3);
    for (const r of rows) for (const s of t.secrets.values()) assert.ok(!r.totp_secret_enc.includes(s));
  });
});
