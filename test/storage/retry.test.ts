import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../src/main/platform/clock.js';
import { StorageError } from '../../src/main/storage/errors.js';
import { type RetryEvent, RetryingStorage } from '../../src/main/storage/retry.js';
import { FaultyStorage } from '../support/faulty-storage.js';
import { MemoryStorage } from '../support/memory-storage.js';
import { collect, rejectsWith, storageSuite } from './suite.js';

const enc = (s: string) => new TextEncoder().encode(s);
const noSleep = { baseDelayMs: 1, maxDelayMs: 2 };

function setup(opts: ConstructorParameters<typeof RetryingStorage>[1] = noSleep) {
  const mem = new MemoryStorage();
  const faulty = new FaultyStorage(mem);
  const events: RetryEvent[] = [];
  const storage = new RetryingStorage(faulty, { ...opts, onRetry: (e) => events.push(e) });
  return { mem, faulty, storage, events };
}

// The decorator must itself honour the whole contract.
storageSuite(
  'retrying(memory)',
  async () => ({ storage: new RetryingStorage(new MemoryStorage(), noSleep), cleanup: async () => {} }),
  { exclusiveCreate: true, largeSize: 1024 * 1024 },
);

describe('RetryingStorage', () => {
  it('recovers from transient faults of every kind on every method', async () => {
    const { faulty, storage, events } = setup();
    faulty.add({ fault: { kind: 'transient' }, times: 1 });
    faulty.add({ fault: { kind: 'reset' }, times: 1 });
    faulty.add({ fault: { kind: 'timeout', ms: 5 }, times: 1 });
    faulty.add({ fault: { kind: 'delay', ms: 5 }, times: 2 });
    await storage.put('data/a', enc('A'));
    assert.equal(Buffer.from(await storage.get('data/a')).toString(), 'A');
    for (const m of ['stat', 'get', 'delete'] as const)
      faulty.add({ methods: [m], fault: { kind: 'transient' }, times: 1 });
    assert.equal((await storage.stat('data/a')).size, 1);
    assert.equal(Buffer.from(await storage.get('data/a', { offset: 0, length: 1 })).toString(), 'A');
    await storage.delete('data/a');
    await rejectsWith(storage.stat('data/a'), 'NOT_FOUND');
    assert.equal(events.length, 6);
    assert.deepEqual(
      events.map((e) => [e.operation, e.attempt, e.code]),
      [
        ['put', 1, 'TRANSIENT'],
        ['put', 2, 'TRANSIENT'],
        ['put', 3, 'TRANSIENT'],
        ['stat', 1, 'TRANSIENT'],
        ['get', 1, 'TRANSIENT'],
        ['delete', 1, 'TRANSIENT'],
      ],
    );
  });

  it('never retries permanent errors: NOT_FOUND, PERMISSION_DENIED, CONFIG, INTEGRITY, bugs', async () => {
    for (const code of ['PERMISSION_DENIED', 'CONFIG', 'INTEGRITY', 'NO_SPACE'] as const) {
      const { faulty, storage, events } = setup();
      faulty.add({ methods: ['put'], fault: { kind: 'error', make: () => new StorageError(code, 'nope') } });
      await rejectsWith(storage.put('x', enc('x')), code);
      assert.equal(events.length, 0);
      assert.equal(faulty.log.filter((l) => l === 'put x').length, 1, `${code} was retried`);
    }
    const { faulty, storage, events } = setup();
    await rejectsWith(storage.get('missing'), 'NOT_FOUND');
    faulty.add({ fault: { kind: 'error', make: () => new RangeError('bug') } });
    await assert.rejects(storage.stat('x'), RangeError);
    assert.equal(events.length, 0);
  });

  it('gives up after maxAttempts with TRANSIENT saying so', async () => {
    const { faulty, storage, events } = setup({ ...noSleep, maxAttempts: 4 });
    faulty.add({ fault: { kind: 'transient' } });
    const e = await rejectsWith(storage.get('x'), 'TRANSIENT');
    assert.match(e.message, /gave up after 4 attempts/);
    assert.equal(events.length, 3);
    assert.equal(faulty.injected, 4);
  });

  it('defaults to 6 attempts with exponential backoff and jitter within bounds', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const { faulty, storage, events } = setup({
      clock,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.5,
    });
    faulty.add({ fault: { kind: 'transient' } });
    const outcome = rejectsWith(storage.stat('x'), 'TRANSIENT');
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1000);
    }
    await outcome;
    assert.deepEqual(
      events.map((e) => e.delayMs),
      [75, 150, 300, 600, 750],
    );
    const r = new RetryingStorage(new MemoryStorage(), { baseDelayMs: 100, maxDelayMs: 1000 });
    for (let attempt = 1; attempt < 8; attempt++) {
      const cap = Math.min(1000, 100 * 2 ** (attempt - 1));
      const d = r.delayFor(attempt);
      assert.ok(d >= cap / 2 && d <= cap, `delay ${d} out of [${cap / 2}, ${cap}]`);
    }
  });

  it('treats ALREADY_EXISTS after a lost put response as success when the bytes match', async () => {
    const { mem, faulty, storage } = setup();
    faulty.add({ methods: ['put'], fault: { kind: 'lost-response' }, times: 1 });
    await storage.put('data/lost', enc('same'));
    assert.equal(Buffer.from(mem.objects.get('data/lost') ?? []).toString(), 'same');
    // Someone else's different object under the name stays a conflict.
    await mem.put('data/other', enc('theirs'));
    faulty.add({ methods: ['put'], name: (n) => n === 'data/other', fault: { kind: 'transient' }, times: 1 });
    await rejectsWith(storage.put('data/other', enc('mine')), 'ALREADY_EXISTS');
    // Without a preceding transient failure, ALREADY_EXISTS is final without a read-back.
    const before = mem.calls.get;
    await rejectsWith(storage.put('data/other', enc('theirs')), 'ALREADY_EXISTS');
    assert.equal(mem.calls.get, before);
  });

  it('honours the abort signal during backoff', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const { faulty, storage, events } = setup({ clock, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    faulty.add({ fault: { kind: 'transient' } });
    const ctl = new AbortController();
    const p = storage.get('x', { signal: ctl.signal });
    await new Promise((r) => setImmediate(r));
    assert.equal(events.length, 1, 'should be sleeping in backoff');
    ctl.abort();
    await rejectsWith(p, 'CANCELLED');
    assert.equal(faulty.injected, 1);
  });

  it('restarts a broken listing without yielding an object twice', async () => {
    const { mem, faulty, storage, events } = setup();
    for (const n of ['a/1', 'a/2', 'a/3']) await mem.put(n, enc(n));
    faulty.add({ methods: ['list'], fault: { kind: 'lost-response' }, times: 2 });
    const got = (await collect(storage.list('a/'))).map((o) => o.name).sort();
    assert.deepEqual(got, ['a/1', 'a/2', 'a/3']);
    assert.equal(events.length, 2);
  });

  it('reports retries without data or credentials', async () => {
    const { faulty, storage, events } = setup();
    faulty.add({ fault: { kind: 'reset' }, times: 1 });
    await storage.put('data/s', enc('payload-bytes'));
    assert.equal(events.length, 1);
    assert.ok(!JSON.stringify(events).includes('payload-bytes'));
    assert.equal(events[0]?.name, 'data/s');
  });
});
