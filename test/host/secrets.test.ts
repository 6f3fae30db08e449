/**
 * Secrets scan: run a scenario that handles every kind of secret, then search the SQLite files
 * (including WAL), the audit exports, all log lines and every RPC response for each secret.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { toCsv, toJsonl } from '../../src/main/audit/export.js';
import type { Logger } from '../../src/main/platform/logger.js';
import type { RpcResponse } from '../../src/shared/contract/rpc.js';
import { ADMIN_PASSWORD, addUser, makeTestHost, ok, setupAdmin, stepUp, type TestHost } from './support.js';

describe('secrets never reach the catalog, the audit log, logs or responses', () => {
  let t: TestHost;
  const responses: { method: string; body: string }[] = [];
  const logs: string[] = [];
  const DB_PASSWORD = 'Pg-Sup3r-Secret-Passw0rd!';
  const AWS_KEY_ID = 'AKIAEXAMPLEKEYID12345';
  const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const USER_PASSWORD = 'dba-user-password-xyz';
  let recoveryCodes: string[] = [];

  before(async () => {
    const rec: Logger = {
      debug: (m, f) => logs.push(m + JSON.stringify(f ?? {})),
      info: (m, f) => logs.push(m + JSON.stringify(f ?? {})),
      warn: (m, f) => logs.push(m + JSON.stringify(f ?? {})),
      error: (m, f) => logs.push(m + JSON.stringify(f ?? {})),
      child: () => rec,
    };
    t = makeTestHost({ log: rec });
    const call = t.host.call;
    t.host.call = async (s, m, i) => {
      const r: RpcResponse = await call(s, m, i);
      responses.push({ method: m, body: JSON.stringify(r) });
      return r;
    };
    const setup = await setupAdmin(t);
    recoveryCodes = setup.recoveryCodes;
    const admin = setup.ref;
    await addUser(t, admin, 'dana', 'dba', USER_PASSWORD);
    await stepUp(t, admin, 'admin');
    ok(
      await t.host.call(admin, 'profiles.create', {
        profile: {
          name: 'app-prod',
          kind: 'postgres',
          host: '127.0.0.1',
          port: 5432,
          database: 'app',
          user: 'backup',
          environment: 'production',
        },
        password: DB_PASSWORD,
      }),
    );
    ok(
      await t.host.call(admin, 'storage.create', {
        name: 'primary-s3',
        role: 'primary',
        config: { kind: 's3', bucket: 'mvono-backups', region: 'eu-west-1' },
        credentials: { kind: 's3', accessKeyId: AWS_KEY_ID, secretAccessKey: AWS_SECRET },
      }),
    );
    // failures with secrets in the input are audited too
    await t.host.call(undefined, 'auth.login', {
      username: 'admin',
      password: `${ADMIN_PASSWORD}-wrong`,
      totp: '123456',
    });
    await t.host.call(admin, 'auth.changePassword', { currentPassword: 'nope-nope-nope', newPassword: 'x' });
    ok(await t.host.call(admin, 'profiles.list', {}));
    ok(await t.host.call(admin, 'storage.list', {}));
    t.db.pragma('wal_checkpoint(PASSIVE)');
  });
  after(async () => t.close());

  it('the secrets went to the OS keychain', async () => {
    const profiles = t.host.services.stores.profiles.list();
    const entry = profiles[0]?.passwordEntry ?? '';
    assert.equal(await t.keychain.get(entry), DB_PASSWORD);
    const target = t.host.services.stores.targets.list()[0];
    assert.match((await t.keychain.get(target?.credentialsEntry ?? '')) ?? '', /wJalrXUtnFEMI/);
  });

  it('no secret appears anywhere', () => {
    const totpSecrets = [...t.secrets.values()];
    const secrets = [
      ADMIN_PASSWORD,
      USER_PASSWORD,
      DB_PASSWORD,
      AWS_KEY_ID,
      AWS_SECRET,
      ...totpSecrets,
      ...recoveryCodes,
    ];
    const files = [t.dbFile, `${t.dbFile}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'));
    const audit = t.host.services.audit.range(1);
    const exports = [toJsonl(audit), toCsv(audit)];
    const haystacks: [string, string][] = [
      ...files.map((f, i) => [`sqlite file ${i}`, f] as [string, string]),
      ...exports.map((e, i) => [`audit export ${i}`, e] as [string, string]),
      ...logs.map((l, i) => [`log ${i}`, l] as [string, string]),
    ];
    for (const r of responses) {
      // shown once by design: the enrollment response carries the TOTP secret (QR), completion the recovery codes
      const allowed =
        r.method === 'auth.setup' || r.method === 'auth.login'
          ? totpSecrets
          : r.method === 'auth.completeEnrollment'
            ? recoveryCodes
            : [];
      haystacks.push([`response ${r.method}`, allowed.reduce((b, s) => b.split(s).join(''), r.body)]);
    }
    assert.ok(audit.length > 5 && responses.length > 10);
    for (const s of secrets)
      for (const [where, text] of haystacks) assert.ok(!text.includes(s), `secret found in ${where}`);
    assert.ok(audit.some((e) => e.action === 'profiles.create' && e.params.password === '[redacted]'));
    assert.ok(audit.some((e) => e.action === 'auth.login' && e.outcome === 'denied'));
  });
});
