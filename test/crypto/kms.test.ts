/**
 * The kms key slot and the AWS KMS adapter, driven through the REAL @aws-sdk/client-kms against
 * test/support/kms-server.ts, a TEST DOUBLE of AWS KMS (no KMS server is installable here).
 * What these tests prove: our requests, encryption contexts and error mapping as the SDK sees them.
 * What they cannot prove: IAM/key-policy behaviour or SigV4 validation of real AWS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AwsKms } from '../../src/main/crypto/kms/aws-kms.js';
import { KmsError } from '../../src/main/crypto/kms/errors.js';
import { awsKmsKekProvider } from '../../src/main/crypto/kms/factory.js';
import { KMS_SLOT_PURPOSE, KmsKekProvider } from '../../src/main/crypto/kms/slot.js';
import type { SlotContext } from '../../src/main/crypto/slots/port.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { AppError } from '../../src/main/platform/errors.js';
import { KmsTestServer } from '../support/kms-server.js';

const REGION = 'eu-west-1';
const ACCESS_KEY_ID = 'AKIAMVONOTESTKEY0001';
const SECRET = 'mvonoTestSecret/DoNotLeak+0123456789abcde';
const CREDS = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET };
const START = '2026-12-01T09:00:00.000Z';
const ctx: SlotContext = { repositoryId: 'repo-0f3a', slotId: 'slot-kms-1' };

let server: KmsTestServer;
let clock: FakeClock;
const opened: AwsKms[] = [];

function kms(opts: { region?: string; maxAttempts?: number } = {}): AwsKms {
  const k = new AwsKms({
    region: opts.region ?? REGION,
    endpoint: server.endpoint,
    credentials: CREDS,
    maxAttempts: opts.maxAttempts ?? 1,
  });
  opened.push(k);
  return k;
}

async function sdkCreateKey(region = REGION): Promise<{ keyId: string; arn: string }> {
  const client = new KMSClient({ region, endpoint: server.endpoint, credentials: CREDS });
  try {
    const out = await client.send(new CreateKeyCommand({ Description: 'mvono test key' }));
    const m = out.KeyMetadata;
    assert.ok(m?.KeyId !== undefined && m.Arn !== undefined);
    return { keyId: m.KeyId, arn: m.Arn };
  } finally {
    client.destroy();
  }
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError, `expected AppError, got ${String(e)}`);
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

function assertNoCredentials(e: AppError): void {
  const shown = [e.message, e.hint ?? '', JSON.stringify(e)].join('\n');
  assert.ok(!shown.includes(SECRET), 'secret access key leaked');
  assert.ok(!shown.includes(ACCESS_KEY_ID), 'access key id leaked');
}

before(async () => {
  clock = new FakeClock(START);
  server = await KmsTestServer.start({ clock });
});
after(async () => {
  for (const k of opened) k.close();
  await server.close();
});

describe('KMS key slot (real SDK against the KMS test double)', () => {
  test('create then recover returns the same 32-byte KEK; params hold no secret', async () => {
    const key = await sdkCreateKey();
    const provider = new KmsKekProvider({ keyId: key.keyId, kms: kms(), clock });
    const made = await provider.create(ctx);
    assert.equal(made.kek.length, 32);
    assert.deepEqual(Object.keys(made.params).sort(), ['ciphertext', 'keyId', 'region']);
    assert.equal(made.params.keyId, key.arn);
    assert.equal(made.params.region, REGION);
    const stored = JSON.stringify(made.params);
    assert.ok(!stored.includes(Buffer.from(made.kek).toString('base64')));
    assert.ok(!stored.includes(Buffer.from(made.kek).toString('hex')));
    // The slot object goes through JSON; recover from what was stored, not the in-memory object.
    const again = await provider.recover(JSON.parse(stored), ctx);
    assert.deepEqual(Buffer.from(again), Buffer.from(made.kek));
    const gdk = server.requests.filter((r) => r.op === 'GenerateDataKey');
    assert.equal(gdk.at(-1)?.accessKeyId, ACCESS_KEY_ID, 'SDK signed with the given credentials');
  });

  test('awsKmsKekProvider (composition-root factory) round-trips through an alias', async () => {
    const key = await sdkCreateKey();
    server.alias('alias/mvono-backup', key.keyId);
    const provider = awsKmsKekProvider({
      keyId: 'alias/mvono-backup',
      region: REGION,
      endpoint: server.endpoint,
      credentials: CREDS,
      maxAttempts: 1,
      clock,
    });
    const made = await provider.create(ctx);
    assert.equal(made.params.keyId, key.arn, 'the slot records the key ARN, not the alias');
    assert.deepEqual(Buffer.from(await provider.recover(made.params, ctx)), Buffer.from(made.kek));
  });

  test('a slot opened with another repository or slot id fails (encryption context)', async () => {
    const key = await sdkCreateKey();
    const provider = new KmsKekProvider({ keyId: key.keyId, kms: kms(), clock });
    const { params } = await provider.create(ctx);
    const e1 = await rejectsWith(provider.recover(params, { ...ctx, slotId: 'slot-kms-2' }), 'INTEGRITY');
    assert.match(e1.message, new RegExp(key.arn));
    await rejectsWith(provider.recover(params, { ...ctx, repositoryId: 'repo-other' }), 'INTEGRITY');
    const blob = Buffer.from(String(params.ciphertext), 'base64');
    const port = kms();
    const exact = { repository: ctx.repositoryId, slot: ctx.slotId, purpose: KMS_SLOT_PURPOSE };
    await rejectsWith(port.decrypt(blob, { repository: ctx.repositoryId, slot: ctx.slotId }), 'INTEGRITY');
    await rejectsWith(port.decrypt(blob, { ...exact, extra: 'x' }), 'INTEGRITY');
    assert.equal((await port.decrypt(blob, exact)).plaintext.length, 32);
  });

  test('rotate re-encrypts under the newest material and stamps rotatedAt from the clock', async () => {
    const key = await sdkCreateKey();
    const provider = new KmsKekProvider({ keyId: key.keyId, kms: kms(), clock });
    const made = await provider.create(ctx);
    server.rotateKeyMaterial(key.keyId); // what KMS automatic rotation does every 90 days
    clock.set('2027-03-01T08:00:00.000Z');
    const rotated = await provider.rotate(made.params, ctx);
    assert.equal(rotated.rotatedAt, '2027-03-01T08:00:00.000Z');
    assert.equal(rotated.keyId, key.arn);
    assert.notEqual(rotated.ciphertext, made.params.ciphertext);
    assert.equal(server.blobInfo(String(made.params.ciphertext)).materialVersion, 0);
    assert.equal(server.blobInfo(String(rotated.ciphertext)).materialVersion, 1);
    assert.deepEqual(Buffer.from(await provider.recover(rotated, ctx)), Buffer.from(made.kek));
  });

  test('rotate to a new key: the old key is no longer needed', async () => {
    const oldKey = await sdkCreateKey();
    const newKey = await sdkCreateKey();
    const port = kms();
    const before = new KmsKekProvider({ keyId: oldKey.keyId, kms: port, clock });
    const made = await before.create(ctx);
    const now = new KmsKekProvider({ keyId: newKey.arn, kms: port, clock });
    const rotated = await now.rotate(made.params, ctx);
    assert.equal(rotated.keyId, newKey.arn);
    assert.equal(server.blobInfo(String(rotated.ciphertext)).keyId, newKey.keyId);
    server.disableKey(oldKey.keyId);
    const e = await rejectsWith(now.recover(made.params, ctx), 'CONFIG');
    assert.match(e.message, /DisabledException/);
    assert.deepEqual(Buffer.from(await now.recover(rotated, ctx)), Buffer.from(made.kek));
    // rotateTo names the destination explicitly (same result as configuring the provider with it).
    const third = await sdkCreateKey();
    const moved = await now.rotateTo(rotated, ctx, third.keyId);
    assert.equal(moved.keyId, third.arn);
    assert.deepEqual(Buffer.from(await now.recover(moved, ctx)), Buffer.from(made.kek));
  });

  test('revoked credentials: PERMISSION_DENIED naming the key, never the credentials', async (t) => {
    const key = await sdkCreateKey();
    const provider = new KmsKekProvider({ keyId: key.keyId, kms: kms(), clock });
    const { params } = await provider.create(ctx);
    t.after(() => server.setAuthFailure(undefined));
    server.revokeCredentials();
    const e = await rejectsWith(provider.recover(params, ctx), 'PERMISSION_DENIED');
    assert.ok(e.message.includes(key.arn), e.message);
    assert.match(e.hint ?? '', /kms:Decrypt/);
    assert.match(e.hint ?? '', /not authorized/, 'the AWS detail (principal, action) is kept');
    assertNoCredentials(e);
    assert.ok(e instanceof KmsError && !e.retryable);
    const e2 = await rejectsWith(provider.create(ctx), 'PERMISSION_DENIED');
    assert.ok(e2.message.includes(key.keyId));
    assert.match(e2.hint ?? '', /kms:GenerateDataKey/);
    assertNoCredentials(e2);
    server.setAuthFailure('ExpiredTokenException');
    const e3 = await rejectsWith(provider.recover(params, ctx), 'PERMISSION_DENIED');
    assert.match(e3.hint ?? '', /expired/i);
    assertNoCredentials(e3);
  });

  for (const mode of ['refuse', 'reset', '503'] as const) {
    test(`KMS down (${mode}): KMS_UNAVAILABLE, retryable, hint names the recovery key`, async (t) => {
      const key = await sdkCreateKey();
      const port = kms({ maxAttempts: 2 });
      const provider = new KmsKekProvider({ keyId: key.keyId, kms: port, clock });
      const { params, kek } = await provider.create(ctx);
      const [served, reached] = [server.requests.length, server.httpRequests];
      t.after(() => server.comeUp());
      await server.goDown(mode);
      const e = await rejectsWith(provider.recover(params, ctx), 'KMS_UNAVAILABLE');
      assert.ok(e instanceof KmsError && e.retryable);
      assert.match(e.hint ?? '', /recovery key/);
      assert.ok(e.message.includes(key.arn), e.message);
      assertNoCredentials(e);
      assert.equal(server.requests.length, served, 'nothing was served while down');
      // The mode was really exercised (reset/503 reach the server), and the SDK itself treated the
      // failure as retryable: with maxAttempts 2 it tried twice.
      if (mode !== 'refuse') assert.ok(server.httpRequests > reached);
      assert.equal((e.cause as { $metadata?: { attempts?: number } }).$metadata?.attempts, 2);
      await server.comeUp();
      assert.deepEqual(Buffer.from(await provider.recover(params, ctx)), Buffer.from(kek));
    });
  }

  test('EnableKeyRotation with 90 days, then GetKeyRotationStatus shows it', async () => {
    const key = await sdkCreateKey();
    const port = kms();
    assert.deepEqual(await port.getKeyRotationStatus(key.keyId), { enabled: false });
    clock.set(START);
    await port.enableKeyRotation(key.keyId);
    const st = await port.getKeyRotationStatus(key.arn);
    assert.equal(st.enabled, true);
    assert.equal(st.rotationPeriodInDays, 90);
    assert.equal(st.nextRotationDate?.toISOString(), '2027-03-01T09:00:00.000Z');
    await rejectsWith(port.enableKeyRotation(key.keyId, 30), 'CONFIG');
  });

  test('describeKey; unknown key or wrong region -> CONFIG "not found in region"', async () => {
    const key = await sdkCreateKey();
    const port = kms();
    const d = await port.describeKey(key.keyId);
    assert.equal(d.arn, key.arn);
    assert.equal(d.enabled, true);
    assert.equal(d.keyState, 'Enabled');
    assert.equal(d.creationDate?.toISOString(), clock.now().toISOString());
    const missing = 'b0b0b0b0-0000-4000-8000-000000000000';
    const e = await rejectsWith(port.generateDataKey(missing, {}), 'CONFIG');
    assert.equal(e.message, `KMS key ${missing} not found in region ${REGION}.`);
    const elsewhere = kms({ region: 'us-east-1' });
    const provider = new KmsKekProvider({ keyId: key.keyId, kms: elsewhere, clock });
    const e2 = await rejectsWith(provider.create(ctx), 'CONFIG');
    assert.equal(e2.message, `KMS key ${key.keyId} not found in region us-east-1.`);
  });

  test('a slot from a region with no configured port fails with CONFIG; connect() supplies one', async () => {
    const key = await sdkCreateKey('us-east-1');
    const east = kms({ region: 'us-east-1' });
    const made = await new KmsKekProvider({ keyId: key.keyId, kms: east, clock }).create(ctx);
    const westOnly = new KmsKekProvider({ keyId: 'unused', kms: kms(), clock });
    await rejectsWith(westOnly.recover(made.params, ctx), 'CONFIG');
    await rejectsWith(westOnly.rotate(made.params, ctx), 'CONFIG');
    const both = new KmsKekProvider({ keyId: 'unused', kms: kms(), clock, connect: () => east });
    assert.deepEqual(Buffer.from(await both.recover(made.params, ctx)), Buffer.from(made.kek));
  });

  test('disabled key -> CONFIG; damaged params -> INTEGRITY; aborted -> CANCELLED', async () => {
    const key = await sdkCreateKey();
    const provider = new KmsKekProvider({ keyId: key.keyId, kms: kms(), clock });
    const { params } = await provider.create(ctx);
    await rejectsWith(provider.recover({ ...params, ciphertext: 'not base64!' }, ctx), 'INTEGRITY');
    const bytes = Buffer.from(String(params.ciphertext), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await rejectsWith(
      provider.recover({ ...params, ciphertext: bytes.toString('base64') }, ctx),
      'INTEGRITY',
    );
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(provider.recover(params, { ...ctx, signal: ac.signal }), 'CANCELLED');
    server.disableKey(key.keyId);
    const e = await rejectsWith(provider.create(ctx), 'CONFIG');
    assert.match(e.hint ?? '', /enable it/);
  });
});
