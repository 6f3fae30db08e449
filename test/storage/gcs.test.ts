import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { AppError } from '../../src/main/platform/errors.js';
import { GcsStorage } from '../../src/main/storage/gcs.js';
import { type RetryEvent, RetryingStorage } from '../../src/main/storage/retry.js';
import { FaultyStorage } from '../support/faulty-storage.js';
import { FlakyProxy } from './flaky-proxy.js';
import { gcsTestEnv, uniqueBucket } from './service-env.js';
import { collect, rejectsWith, storageSuite } from './suite.js';

const env = gcsTestEnv();
const skip = typeof env === 'string' ? env : false;
const bucket = uniqueBucket('gcs');
let n = 0;
const enc = (s: string) => new TextEncoder().encode(s);
const make = () =>
  new GcsStorage({ bucket, prefix: `run/${n++}`, projectId: typeof env === 'string' ? '' : env.projectId });

describe('GcsStorage against the emulator', { skip }, () => {
  const made: GcsStorage[] = [];
  after(async () => {
    for (const s of made) for (const o of await collect(s.list(''))) await s.delete(o.name);
  });

  if (!skip) {
    storageSuite(
      'gcs (emulator)',
      async () => {
        const storage = make();
        made.push(storage);
        return { storage, cleanup: async () => {} };
      },
      { paging: true },
    );
  }

  it('detects the emulator and falls back to stat-then-write', () => {
    assert.equal(make().emulator, true);
  });

  it('maps a hung/reset/503 emulator to TRANSIENT and recovers through RetryingStorage', async () => {
    const target = new URL(typeof env === 'string' ? 'http://x' : env.emulatorHost);
    const proxy = await new FlakyProxy(target).start();
    const saved = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = proxy.url;
    try {
      const inner = new GcsStorage({ bucket, prefix: `run/${n++}`, timeoutMs: 1000 });
      for (const f of ['reset', '503', '500'] as const) {
        proxy.fail(f);
        await rejectsWith(inner.stat('config'), 'TRANSIENT');
      }
      const events: RetryEvent[] = [];
      const s = new RetryingStorage(inner, {
        baseDelayMs: 5,
        maxDelayMs: 20,
        onRetry: (e) => events.push(e),
      });
      proxy.fail('reset').fail('503').fail({ delayMs: 200 });
      await s.put('data/ab/x', enc('hello'));
      proxy.fail('503').fail('reset');
      assert.equal(Buffer.from(await s.get('data/ab/x')).toString(), 'hello');
      assert.ok(events.length >= 4, `${events.length} retries`);
      await s.delete('data/ab/x');
    } finally {
      process.env.STORAGE_EMULATOR_HOST = saved;
      await proxy.stop();
    }
  });

  it('surfaces a permanent error once and treats a lost put response as done', async () => {
    const inner = make();
    made.push(inner);
    const faulty = new FaultyStorage(inner, [
      { methods: ['put'], fault: { kind: 'lost-response' }, times: 1 },
      {
        methods: ['get'],
        fault: { kind: 'error', make: () => new AppError('PERMISSION_DENIED', 'denied') },
        skip: 1, // the first get is the retry's read-back
        times: 1,
      },
    ]);
    const s = new RetryingStorage(faulty, { baseDelayMs: 5, maxDelayMs: 20 });
    await s.put('data/cd/lost', enc('payload'));
    const e = await rejectsWith(s.get('data/cd/lost'), 'PERMISSION_DENIED');
    assert.equal(faulty.log.filter((l) => l === 'get data/cd/lost').length, 2); // read-back + this one
    assert.ok(!inspect(e).includes('private_key'));
  });
});
