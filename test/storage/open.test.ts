import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppError } from '../../src/main/platform/errors.js';
import { type Keychain, OsKeychain } from '../../src/main/platform/keychain.js';
import { GcsStorage } from '../../src/main/storage/gcs.js';
import { LocalStorage } from '../../src/main/storage/local.js';
import { describeLocation, openStorage, parseLocation } from '../../src/main/storage/open.js';
import { RetryingStorage } from '../../src/main/storage/retry.js';
import { S3Storage } from '../../src/main/storage/s3.js';
import { adminClient, createBucket, dropBucket, s3Env, s3Skip } from './s3-helpers.js';
import { rejectsWith } from './suite.js';

/** TEST DOUBLE: an in-memory keychain (the real one is used below when D-Bus is available). */
class MapKeychain implements Keychain {
  readonly m = new Map<string, string>();
  async get(a: string) {
    return this.m.get(a);
  }
  async set(a: string, s: string) {
    this.m.set(a, s);
  }
  async delete(a: string) {
    this.m.delete(a);
  }
}

const warnings: string[] = [];
const deps = (keychain: Keychain = new MapKeychain()) => ({
  keychain,
  warn: (m: string) => warnings.push(m),
});

describe('parseLocation / describeLocation', () => {
  it('parses local, s3 and gs locations with their options', () => {
    assert.deepEqual(parseLocation('/srv/backup'), { kind: 'local', path: '/srv/backup' });
    assert.deepEqual(parseLocation('local:/srv/backup'), { kind: 'local', path: '/srv/backup' });
    assert.deepEqual(
      parseLocation(
        's3://my-bucket/site/a/?region=eu-west-1&endpoint=http://127.0.0.1:7480&pathStyle=1&sse=aws:kms&kmsKeyId=arn:k&credentials=storage/x',
      ),
      {
        kind: 's3',
        bucket: 'my-bucket',
        prefix: 'site/a',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:7480',
        pathStyle: true,
        sse: 'aws:kms',
        kmsKeyId: 'arn:k',
        credentials: 'storage/x',
      },
    );
    assert.deepEqual(parseLocation('gs://b-1?project=p1'), {
      kind: 'gcs',
      bucket: 'b-1',
      prefix: '',
      project: 'p1',
      credentials: undefined,
    });
  });

  it('rejects malformed locations with CONFIG', () => {
    for (const bad of [
      'relative/path',
      'local:rel',
      'ftp://x/y',
      's3://B_AD/x',
      's3://bucket/x?regoin=eu',
      's3://bucket/../x',
      's3://bucket?sse=des',
      's3://bucket?kmsKeyId=k',
      'gs://bucket?endpoint=http://x',
    ]) {
      assert.throws(
        () => parseLocation(bad),
        (e: unknown) => e instanceof AppError && e.code === 'CONFIG',
        bad,
      );
    }
  });

  it('describes a location without secrets, naming the keychain entry', () => {
    const d = describeLocation(
      's3://bkt/p?region=eu-west-1&endpoint=https://s3.example.net&credentials=store/k',
    );
    assert.equal(
      d,
      's3://bkt/p (region eu-west-1, endpoint s3.example.net, credentials from keychain entry "store/k")',
    );
    assert.equal(describeLocation('gs://bkt'), 'gs://bkt (default credentials)');
  });
});

describe('openStorage', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('opens a local repository wrapped in RetryingStorage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mvono-open-'));
    dirs.push(dir);
    const s = await openStorage(`local:${dir}/repo`, deps());
    assert.ok(s instanceof RetryingStorage && s.inner instanceof LocalStorage);
    await s.put('config', new Uint8Array([7]));
    assert.deepEqual([...(await s.get('config'))], [7]);
  });

  it('fails CONFIG for a missing or malformed keychain entry without echoing its value', async () => {
    const kc = new MapKeychain();
    await rejectsWith(openStorage('s3://bucket/p?credentials=nope', deps(kc)), 'CONFIG');
    await kc.set('bad', 'sekrit-not-json');
    const e = await rejectsWith(openStorage('s3://bucket/p?credentials=bad', deps(kc)), 'CONFIG');
    assert.ok(!JSON.stringify(e).includes('sekrit'));
    await kc.set('half', JSON.stringify({ accessKeyId: 'A' }));
    await rejectsWith(openStorage('s3://bucket/p?credentials=half', deps(kc)), 'CONFIG');
    await kc.set('sa', JSON.stringify({ type: 'service_account' }));
    await rejectsWith(openStorage('gs://bucket/p?credentials=sa', deps(kc)), 'CONFIG');
  });

  it('refuses plain http to a non-loopback S3 endpoint', async () => {
    await rejectsWith(openStorage('s3://bucket/p?endpoint=http://s3.example.net', deps()), 'CONFIG');
  });

  it('opens gs:// locations as GcsStorage', async () => {
    const s = await openStorage('gs://bucket/p?project=demo', deps());
    assert.ok(s instanceof RetryingStorage && s.inner instanceof GcsStorage);
    assert.equal(s.location, 'gs://bucket/p');
  });
});

describe('openStorage with keys from the OS keychain against radosgw', { skip: s3Skip }, () => {
  it('reads the S3 keys from the keychain entry and works end to end', async () => {
    if (typeof s3Env === 'string') return;
    const admin = adminClient();
    const bucket = await createBucket(admin, 'open');
    const real = process.env.DBUS_SESSION_BUS_ADDRESS
      ? new OsKeychain('mvono-backup-test')
      : new MapKeychain();
    const entry = `storage/test-${bucket}`;
    try {
      await real.set(
        entry,
        JSON.stringify({ accessKeyId: s3Env.accessKeyId, secretAccessKey: s3Env.secretAccessKey }),
      );
      const spec = `s3://${bucket}/repo?endpoint=${encodeURIComponent(s3Env.endpoint)}&credentials=${entry}`;
      const s = await openStorage(spec, deps(real));
      assert.ok(s instanceof RetryingStorage && s.inner instanceof S3Storage);
      await s.put('config', new TextEncoder().encode('cfg'));
      assert.equal(Buffer.from(await s.get('config')).toString(), 'cfg');
      assert.ok(warnings.some((w) => /plain HTTP/.test(w)));
      assert.ok(!s.location.includes(s3Env.secretAccessKey));
      await s.close?.();
    } finally {
      await real.delete(entry);
      await dropBucket(admin, bucket);
      admin.destroy();
    }
  });
});
