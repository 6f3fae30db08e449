/**
 * S3 error mapping and retry against radosgw: bad keys, missing bucket, and real network faults
 * (connection reset, 503/500, hung request, slow response) injected by a pass-through proxy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../../src/main/platform/errors.js';
import { StorageError } from '../../src/main/storage/errors.js';
import { type RetryEvent, RetryingStorage } from '../../src/main/storage/retry.js';
import { S3Storage } from '../../src/main/storage/s3.js';
import { FaultyStorage } from '../support/faulty-storage.js';
import { FlakyProxy } from './flaky-proxy.js';
import { adminClient, createBucket, dropBucket, s3Env, s3Options, s3Skip } from './s3-helpers.js';
import { collect, rejectsWith } from './suite.js';

const SECRET = 'WRONG-secret-sentinel-7f3a9c-do-not-leak';
const enc = (s: string) => new TextEncoder().encode(s);
const fast = { baseDelayMs: 5, maxDelayMs: 20 };

describe('S3 error mapping and retry against radosgw', { skip: s3Skip }, () => {
  let admin: S3Client | undefined;
  let bucket = '';
  const errors: unknown[] = [];
  const capture = async (p: Promise<unknown>, code: string) => {
    try {
      await p;
    } catch (e) {
      errors.push(e);
      assert.ok(e instanceof AppError, String(e));
      assert.equal(e.code, code, `${e.code}: ${e.message}`);
      return e;
    }
    assert.fail(`expected ${code}`);
  };
  before(async () => {
    admin = adminClient();
    bucket = await createBucket(admin, 'faults');
  });
  after(async () => {
    if (admin && bucket) await dropBucket(admin, bucket);
    admin?.destroy();
  });

  it('maps a wrong secret key to PERMISSION_DENIED naming the bucket, without the secret', async () => {
    const good = new S3Storage(s3Options(bucket));
    await good.put('config', enc('x'));
    const prefix = good.prefix;
    const keyId = typeof s3Env === 'string' ? '' : s3Env.accessKeyId;
    const bad = new S3Storage(
      s3Options(bucket, { prefix, credentials: { accessKeyId: keyId, secretAccessKey: SECRET } }),
    );
    const calls = [
      () => bad.get('config'),
      () => bad.stat('config'),
      () => bad.put('other', enc('y')),
      () => collect(bad.list('')),
    ];
    for (const call of calls) {
      const e = await capture(call(), 'PERMISSION_DENIED');
      assert.ok(e.message.includes(bucket), e.message);
      assert.match(e.hint ?? '', /access key|IAM/);
    }
    const badKey = new S3Storage(
      s3Options(bucket, { prefix, credentials: { accessKeyId: 'NOSUCHKEYID', secretAccessKey: SECRET } }),
    );
    await capture(badKey.get('config'), 'PERMISSION_DENIED');
    await Promise.all([good.close(), bad.close(), badKey.close()]);
  });

  it('maps a missing bucket to CONFIG with a hint to create it', async () => {
    const s = new S3Storage(s3Options(`${bucket}-missing`));
    const calls = [
      () => s.get('config'),
      () => s.stat('config'),
      () => s.put('config', enc('x')),
      () => collect(s.list('')),
    ];
    for (const call of calls) {
      const e = await capture(call(), 'CONFIG');
      assert.ok(e.message.includes(`${bucket}-missing`), e.message);
      assert.match(e.hint ?? '', /Create the bucket/);
    }
    await s.delete('config').catch((e: unknown) => errors.push(e));
  });

  it('rejects non-loopback plain-http endpoints and endpoints with user info', () => {
    for (const endpoint of ['http://s3.example.net', `http://user:${SECRET}@127.0.0.1:7480`, 'not a url']) {
      try {
        new S3Storage(s3Options(bucket, { endpoint }));
        assert.fail(`accepted ${endpoint}`);
      } catch (e) {
        errors.push(e);
        assert.ok(e instanceof StorageError && e.code === 'CONFIG', String(e));
      }
    }
    const warned: string[] = [];
    new S3Storage(s3Options(bucket, { endpoint: 'https://s3.example.net', warn: (m) => warned.push(m) }));
    assert.deepEqual(warned, []);
  });

  it('maps real network faults to TRANSIENT: reset, 503, 500, hung request', async () => {
    const target = new URL(typeof s3Env === 'string' ? 'http://x' : s3Env.endpoint);
    const proxy = await new FlakyProxy(target).start();
    try {
      const s = new S3Storage(s3Options(bucket, { endpoint: proxy.url, requestTimeoutMs: 400 }));
      for (const f of ['reset', '503', '500', 'hang'] as const) {
        proxy.fail(f);
        const e = await capture(s.stat('config'), 'TRANSIENT');
        assert.match(e.message, new RegExp(s.bucket));
      }
      assert.equal(proxy.pending, 0);
      await s.close();
    } finally {
      await proxy.stop();
    }
  });

  it('recovers through RetryingStorage from resets, 503s, hangs and slow answers on the real server', async () => {
    const target = new URL(typeof s3Env === 'string' ? 'http://x' : s3Env.endpoint);
    const proxy = await new FlakyProxy(target).start();
    const events: RetryEvent[] = [];
    try {
      const inner = new S3Storage(s3Options(bucket, { endpoint: proxy.url, requestTimeoutMs: 1000 }));
      const s = new RetryingStorage(inner, { ...fast, onRetry: (e) => events.push(e) });
      proxy.fail('reset').fail('503').fail({ delayMs: 300 }).fail('hang').fail('500');
      const big = new Uint8Array(20 * 1024 * 1024).map((_, i) => i % 251);
      await s.put('data/ab/big', big);
      proxy.fail('reset').fail('503');
      assert.ok(Buffer.from(await s.get('data/ab/big')).equals(Buffer.from(big)));
      proxy.fail('503', (m) => m === 'GET');
      assert.equal((await collect(s.list('data/'))).length, 1);
      assert.equal(proxy.pending, 0);
      assert.ok(events.length >= 6, `only ${events.length} retries`);
      assert.ok(events.every((e) => e.code === 'TRANSIENT'));
      await s.close();
    } finally {
      await proxy.stop();
    }
  });

  it('surfaces a permanent error once, without retrying it', async () => {
    const target = new URL(typeof s3Env === 'string' ? 'http://x' : s3Env.endpoint);
    const proxy = await new FlakyProxy(target).start();
    try {
      const keyId = typeof s3Env === 'string' ? '' : s3Env.accessKeyId;
      const inner = new S3Storage(
        s3Options(bucket, {
          endpoint: proxy.url,
          credentials: { accessKeyId: keyId, secretAccessKey: SECRET },
        }),
      );
      const events: RetryEvent[] = [];
      const s = new RetryingStorage(inner, { ...fast, onRetry: (e) => events.push(e) });
      await capture(s.get('config'), 'PERMISSION_DENIED');
      assert.equal(proxy.seen.length, 1);
      assert.equal(events.length, 0);
      await s.close();
    } finally {
      await proxy.stop();
    }
  });

  it('treats a put whose response was lost as done when the stored bytes match', async () => {
    const inner = new S3Storage(s3Options(bucket));
    const faulty = new FaultyStorage(inner, [
      { methods: ['put'], fault: { kind: 'lost-response' }, times: 1 },
    ]);
    const s = new RetryingStorage(faulty, fast);
    await s.put('data/cd/lost', enc('payload'));
    assert.equal(Buffer.from(await inner.get('data/cd/lost')).toString(), 'payload');
    assert.equal(faulty.injected, 1);
    await rejectsWith(s.put('data/cd/lost', enc('different')), 'ALREADY_EXISTS');
    await s.close();
  });

  it('never lets the secret key appear in any error message, hint, JSON or inspection', () => {
    assert.ok(errors.length >= 14, `only ${errors.length} errors captured`);
    for (const e of errors) {
      const texts = [String(e), JSON.stringify(e), inspect(e, { depth: 10 })];
      if (e instanceof AppError) texts.push(e.message, e.hint ?? '');
      for (const t of texts) assert.ok(!t.includes(SECRET), `secret leaked in: ${t.slice(0, 300)}`);
    }
  });
});
