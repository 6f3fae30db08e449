/**
 * The seed's storage: backups to S3 (radosgw, a real S3 server) wrapped with AWS KMS (protocol test
 * double), copied to GCS (the Cloud Storage emulator), and restored from GCS with S3 out of the
 * picture and KMS down, using the printed recovery key. Driven through the CLI as operators run it.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Entry } from '@napi-rs/keyring';
import { adminClient, createBucket } from '../storage/s3-helpers.js';
import { gcsTestEnv, s3TestEnv, uniqueBucket } from '../storage/service-env.js';
import { lastJson, runCli } from '../support/cli.js';
import { describeTree, makeAwkwardTree, prng, randomBytesFrom } from '../support/fs-tree.js';
import { KmsTestServer } from '../support/kms-server.js';

const s3 = s3TestEnv();
const gcs = gcsTestEnv();
const skip = typeof s3 === 'string' ? s3 : typeof gcs === 'string' ? gcs : false;

describe('S3 primary, KMS, copy to GCS secondary, recovery without S3 and KMS', { skip }, () => {
  let dir: string;
  let kms: KmsTestServer;
  let keyId: string;
  let s3Spec: string;
  let gsSpec: string;
  let recoveryKeyGcs: string;
  const credEntry = `test/s3-${process.pid}`;
  const base: Record<string, string> = {};

  before(async () => {
    if (typeof s3 === 'string' || typeof gcs === 'string') return;
    dir = await mkdtemp(join(tmpdir(), 'mvono-cloud-'));
    await makeAwkwardTree(join(dir, 'src'));
    const r = prng(4);
    await mkdir(join(dir, 'src', 'uploads'), { recursive: true });
    for (let i = 0; i < 8; i++)
      await writeFile(join(dir, 'src', 'uploads', `scan-${i}.pdf`), randomBytesFrom(r, 600_000));
    kms = await KmsTestServer.start();
    keyId = kms.createKey('eu-west-1', 'mvono backups').keyId;
    const bucket = await createBucket(adminClient(), 'primary');
    // S3 credentials live in the OS keychain; the location names the entry, never the secret.
    new Entry('mvono-backup', credEntry).setPassword(
      JSON.stringify({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }),
    );
    s3Spec = `s3://${bucket}/repo?region=${s3.region}&endpoint=${encodeURIComponent(s3.endpoint)}&pathStyle=1&credentials=${credEntry}`;
    gsSpec = `gs://${uniqueBucket('secondary')}/repo?project=${gcs.projectId}`;
    Object.assign(base, {
      MVONO_KMS_ENDPOINT: kms.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDKMSTEST',
      AWS_SECRET_ACCESS_KEY: 'kms-test-secret',
      AWS_REGION: 'eu-west-1',
      MVONO_BACKUP_PASSWORD: '',
    });
  });
  after(async () => {
    await kms?.close();
    try {
      new Entry('mvono-backup', credEntry).deletePassword();
    } catch {}
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('backs up to S3 under a KMS key slot and restores byte-identical', async () => {
    const init = await runCli(
      ['init', '--repo', s3Spec, '--no-keychain', '--kms-key', keyId, '--json'],
      base,
    );
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(lastJson<{ slots: string[] }>(init).slots, ['kms', 'recovery']);
    const b = await runCli(
      ['backup', join(dir, 'src'), '--repo', s3Spec, '--no-keychain', '--name', 'primary', '--json'],
      base,
    );
    assert.equal(b.code, 0, b.stderr);
    const out = join(dir, 'from-s3');
    const r = await runCli(['restore', 'latest', '--repo', s3Spec, '--no-keychain', '--target', out], base);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      await describeTree(join(out, 'files', ...dir.split('/').filter(Boolean), 'src')),
      await describeTree(join(dir, 'src')),
    );
    assert.doesNotMatch(
      b.stderr + b.stdout + r.stderr,
      new RegExp(s3TestEnvOk().secretAccessKey.replace(/[^A-Za-z0-9]/g, '.')),
    );
  });

  it('rotates the KMS slot (key rotate) and shows when the next rotation is due', async () => {
    assert.ok(
      kms.requests.some((r) => r.op === 'EnableKeyRotation'),
      "init enabled the key's 90-day rotation",
    );
    const before = lastJson<
      { id: string; type: string; rotation?: { basis: string; daysUntilDue: number } }[]
    >(await runCli(['key', 'list', '--repo', s3Spec, '--no-keychain', '--json'], base));
    const slot = before.find((x) => x.type === 'kms')!;
    assert.equal(slot.rotation?.basis, 'created');
    assert.equal(slot.rotation?.daysUntilDue, 90);
    const rot = await runCli(['key', 'rotate', '--repo', s3Spec, '--no-keychain'], base);
    assert.equal(rot.code, 0, rot.stderr);
    assert.match(rot.stdout, /Rotated KMS slot .* next rotation due/);
    const after = lastJson<{ id: string; type: string; generation?: number; rotation?: { basis: string } }[]>(
      await runCli(['key', 'list', '--repo', s3Spec, '--no-keychain', '--json'], base),
    );
    const rotated = after.find((x) => x.type === 'kms');
    assert.equal(rotated?.rotation?.basis, 'rotated');
    assert.equal(rotated?.id, slot.id, 'the slot keeps its id (bound into the KMS encryption context)');
    assert.equal(rotated?.generation, 1, 'a new generation of the slot object replaced the old one');
    const snaps = await runCli(['snapshots', '--repo', s3Spec, '--no-keychain', '--json'], base);
    assert.equal(snaps.code, 0, snaps.stderr);
  });

  it('copies S3 -> GCS with only what the target lacks, and again copies nothing', async () => {
    const init = await runCli(
      ['init', '--repo', gsSpec, '--no-keychain', '--kms-key', keyId, '--json'],
      base,
    );
    assert.equal(init.code, 0, init.stderr);
    recoveryKeyGcs = lastJson<{ recoveryKey: string }>(init).recoveryKey;
    const c = await runCli(['copy', '--from', s3Spec, '--to', gsSpec, '--no-keychain', '--json'], base);
    assert.equal(c.code, 0, c.stderr);
    const res = lastJson<{ copied: unknown[]; blobsUploaded: number }>(c);
    assert.equal(res.copied.length, 1);
    assert.ok(res.blobsUploaded > 0);
    const again = lastJson<{ copied: unknown[]; skipped: string[] }>(
      await runCli(['copy', '--from', s3Spec, '--to', gsSpec, '--no-keychain', '--json'], base),
    );
    assert.equal(again.copied.length, 0);
    assert.equal(again.skipped.length, 1);
    const chk = await runCli(
      ['check', '--repo', gsSpec, '--no-keychain', '--read-data-subset', '100%', '--json'],
      base,
    );
    assert.equal(lastJson<{ ok: boolean }>(chk).ok, true, chk.stderr);
  });

  it('with KMS down: backups fail clearly; restore from GCS works with the recovery key, S3 unused', async () => {
    await kms.goDown('refuse');
    try {
      const b = await runCli(['backup', join(dir, 'src'), '--repo', gsSpec, '--no-keychain'], base);
      assert.equal(b.code, 12, b.stderr);
      assert.match(b.stderr, /KMS/);
      assert.match(b.stderr, /recovery key/);
      await writeFile(join(dir, 'recovery.txt'), `${recoveryKeyGcs}\n`, { mode: 0o600 });
      const out = join(dir, 'from-gcs');
      // no S3 settings at all in this process: the secondary stands alone
      const r = await runCli(
        [
          'restore',
          'latest',
          '--repo',
          gsSpec,
          '--no-keychain',
          '--recovery-key-file',
          join(dir, 'recovery.txt'),
          '--target',
          out,
        ],
        {
          ...base,
          MVONO_TEST_S3_ENDPOINT: undefined,
          MVONO_TEST_S3_ACCESS_KEY: undefined,
          MVONO_TEST_S3_SECRET_KEY: undefined,
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        await describeTree(join(out, 'files', ...dir.split('/').filter(Boolean), 'src')),
        await describeTree(join(dir, 'src')),
      );
    } finally {
      await kms.comeUp();
    }
  });

  it('a wrong S3 secret is reported naming the bucket and the fix, never the secret', async () => {
    const bad = `test/s3-bad-${process.pid}`;
    const secret = 'Wr0ngSecretKeyThatMustNeverBePrinted/0000';
    new Entry('mvono-backup', bad).setPassword(
      JSON.stringify({ accessKeyId: s3TestEnvOk().accessKeyId, secretAccessKey: secret }),
    );
    try {
      const spec = s3Spec.replace(`credentials=${credEntry}`, `credentials=${bad}`);
      const r = await runCli(['snapshots', '--repo', spec, '--no-keychain'], base);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /mvono-primary-/);
      assert.doesNotMatch(r.stderr + r.stdout, /Wr0ngSecret/);
    } finally {
      new Entry('mvono-backup', bad).deletePassword();
    }
  });
});

function s3TestEnvOk() {
  const e = s3TestEnv();
  if (typeof e === 'string') throw new Error(e);
  return e;
}
