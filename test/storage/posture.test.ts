import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GcsStorage } from '../../src/main/storage/gcs.js';
import { checkGcsPosture } from '../../src/main/storage/posture/gcs.js';
import { checkS3Posture, denyInsecure } from '../../src/main/storage/posture/s3.js';
import type { PostureRule } from '../../src/main/storage/posture/types.js';
import { adminClient, createBucket, dropBucket, s3Skip } from './s3-helpers.js';
import { gcsTestEnv, uniqueBucket } from './service-env.js';

const byId = (rules: PostureRule[], id: string): PostureRule => {
  const r = rules.find((x) => x.id === id);
  assert.ok(r, `no rule ${id}`);
  return r;
};

describe('S3 posture against radosgw', { skip: s3Skip }, () => {
  let admin: S3Client | undefined;
  let locked = '';
  let plain = '';
  before(async () => {
    admin = adminClient();
    plain = await createBucket(admin, 'plain');
    locked = await createBucket(admin, 'locked', true);
    await admin.send(
      new PutBucketVersioningCommand({ Bucket: locked, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await admin.send(
      new PutObjectLockConfigurationCommand({
        Bucket: locked,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
        },
      }),
    );
  });
  after(async () => {
    if (admin) for (const b of [plain, locked]) if (b) await dropBucket(admin, b);
    admin?.destroy();
  });

  it('passes versioning and object lock on a versioned, locked bucket', async () => {
    assert.ok(admin);
    const rules = await checkS3Posture({ client: admin, bucket: locked });
    assert.equal(rules.length, 6);
    assert.equal(byId(rules, 's3.versioning').status, 'pass');
    const lock = byId(rules, 's3.object-lock');
    assert.equal(lock.status, 'pass');
    assert.match(lock.detail, /GOVERNANCE 1 days/);
    assert.equal(lock.fix, '');
  });

  it('fails versioning on a plain bucket, with the command to fix it', async () => {
    assert.ok(admin);
    const rules = await checkS3Posture({ client: admin, bucket: plain });
    const v = byId(rules, 's3.versioning');
    assert.equal(v.status, 'fail');
    assert.match(
      v.fix,
      new RegExp(`put-bucket-versioning --bucket ${plain} --versioning-configuration Status=Enabled`),
    );
    assert.equal(byId(rules, 's3.object-lock').status, 'warn');
    assert.equal(byId(rules, 's3.tls-only').status, 'warn');
    for (const r of rules) assert.ok(['pass', 'warn', 'fail', 'unknown'].includes(r.status));
  });
});

describe('S3 TLS-only policy detection', () => {
  it('recognises a Deny on aws:SecureTransport=false and nothing else', () => {
    const deny = {
      Statement: [
        { Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    };
    assert.equal(denyInsecure(JSON.stringify(deny)), true);
    assert.equal(denyInsecure(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*' }] })), false);
    assert.equal(denyInsecure('not json'), false);
    assert.equal(denyInsecure(undefined), false);
  });
});

const gcsEnv = gcsTestEnv();
describe('GCS posture against the emulator', { skip: typeof gcsEnv === 'string' ? gcsEnv : false }, () => {
  it('reports every rule as unknown, visible only on real GCS', async () => {
    const s = new GcsStorage({ bucket: uniqueBucket('posture'), prefix: 'p' });
    await s.put('config', new Uint8Array([1]));
    const rules = await checkGcsPosture(s.bucket, { emulator: s.emulator });
    assert.deepEqual(
      rules.map((r) => r.id),
      ['gcs.versioning', 'gcs.location', 'gcs.kms', 'gcs.retention', 'gcs.uniform-access'],
    );
    for (const r of rules) {
      assert.equal(r.status, 'unknown');
      assert.match(r.detail, /only be seen on real Google Cloud Storage/);
    }
    await s.delete('config');
  });
});
