/**
 * The storage contract (src/main/storage/port.ts) as one test suite that every adapter runs:
 * local, memory (test double), S3 against radosgw, GCS against the emulator.
 *   storageSuite('local', async () => ({ storage, cleanup }), { paging: true })
 * Each test gets its own Storage from `makeStorage` (adapters give each a fresh prefix/dir).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError, type ErrorCode } from '../../src/main/platform/errors.js';
import type { ObjectInfo, Storage } from '../../src/main/storage/port.js';

export interface SuiteStorage {
  storage: Storage;
  cleanup: () => Promise<void>;
}

export interface SuiteOptions {
  /** List more than one page (~1100 objects; S3 and GCS page at 1000). Slower; opt in. */
  paging?: boolean;
  /** Concurrent puts of one name: exactly one wins. Adapters with a check-then-write race opt out. */
  exclusiveCreate?: boolean;
  /** Size of the large-object test (default 20 MiB). */
  largeSize?: number;
}

export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError, `expected AppError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected rejection with ${code}, but it resolved`);
}

export async function collect(it: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of it) out.push(o);
  return out;
}

const enc = (s: string) => new TextEncoder().encode(s);

async function putMany(s: Storage, names: string[], concurrency = 24): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const n = names[next++]!;
      await s.put(n, enc(n));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export function storageSuite(
  name: string,
  makeStorage: () => Promise<SuiteStorage>,
  opts: SuiteOptions = {},
): void {
  const large = opts.largeSize ?? 20 * 1024 * 1024;
  const withStorage = async (fn: (s: Storage) => Promise<void>) => {
    const { storage, cleanup } = await makeStorage();
    try {
      await fn(storage);
    } finally {
      await cleanup();
    }
  };

  describe(`storage contract: ${name}`, () => {
    it('round-trips a put through get and stat', () =>
      withStorage(async (s) => {
        await s.put('config', enc('hello'));
        assert.deepEqual(Buffer.from(await s.get('config')), Buffer.from('hello'));
        assert.deepEqual(await s.stat('config'), { name: 'config', size: 5 });
        assert.ok(!/secret|password/i.test(s.location));
      }));

    it('keeps binary bytes exactly, including an empty object and a large one', () =>
      withStorage(async (s) => {
        const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
        await s.put('data/00/all-bytes', all);
        assert.deepEqual(Buffer.from(await s.get('data/00/all-bytes')), Buffer.from(all));
        await s.put('data/00/empty', new Uint8Array(0));
        assert.equal((await s.get('data/00/empty')).length, 0);
        assert.equal((await s.stat('data/00/empty')).size, 0);
        const big = randomBytes(large);
        await s.put('data/ff/large', big);
        assert.equal((await s.stat('data/ff/large')).size, large);
        const back = await s.get('data/ff/large');
        assert.equal(back.length, large);
        assert.ok(Buffer.from(back).equals(big), 'large object differs after round trip');
        const mid = await s.get('data/ff/large', { offset: large - 100_000, length: 1000 });
        assert.ok(Buffer.from(mid).equals(big.subarray(large - 100_000, large - 99_000)));
      }));

    it('is write-once: a second put fails ALREADY_EXISTS and leaves the original', () =>
      withStorage(async (s) => {
        await s.put('snapshots/one', enc('original'));
        await rejectsWith(s.put('snapshots/one', enc('replacement!')), 'ALREADY_EXISTS');
        await rejectsWith(s.put('snapshots/one', enc('original')), 'ALREADY_EXISTS');
        assert.equal(Buffer.from(await s.get('snapshots/one')).toString(), 'original');
      }));

    if (opts.exclusiveCreate) {
      it('lets exactly one of several concurrent puts of one name win', () =>
        withStorage(async (s) => {
          const results = await Promise.allSettled(
            Array.from({ length: 8 }, (_, i) => s.put('locks/race', enc(`writer-${i}`))),
          );
          assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
          for (const r of results) {
            if (r.status === 'rejected') assert.equal((r.reason as AppError).code, 'ALREADY_EXISTS');
          }
          assert.match(Buffer.from(await s.get('locks/race')).toString(), /^writer-\d$/);
        }));
    }

    it('serves ranges: middle, past the end, offset at/past the end, zero length', () =>
      withStorage(async (s) => {
        await s.put('data/ab/range', enc('0123456789'));
        const str = async (offset?: number, length?: number) =>
          Buffer.from(await s.get('data/ab/range', { offset, length })).toString();
        assert.equal(await str(3, 4), '3456');
        assert.equal(await str(0, 1), '0');
        assert.equal(await str(7), '789');
        assert.equal(await str(7, 100), '789');
        assert.equal(await str(9, 1), '9');
        assert.equal(await str(10, 5), '');
        assert.equal(await str(25, 5), '');
        assert.equal(await str(25), '');
        assert.equal(await str(4, 0), '');
        await assert.rejects(s.get('data/ab/range', { offset: -1 }), TypeError);
      }));

    it('lists by prefix, each object once with its size; a missing prefix lists nothing', () =>
      withStorage(async (s) => {
        const names = ['data/aa/1', 'data/ab/22', 'data/b/333', 'index/1', 'datax', 'config'];
        for (const n of names) await s.put(n, enc(n.replace(/[^0-9]/g, '')));
        const sorted = async (p: string) =>
          (await collect(s.list(p))).sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(await sorted('data/'), [
          { name: 'data/aa/1', size: 1 },
          { name: 'data/ab/22', size: 2 },
          { name: 'data/b/333', size: 3 },
        ]);
        assert.deepEqual(
          (await sorted('data/a')).map((o) => o.name),
          ['data/aa/1', 'data/ab/22'],
        );
        assert.deepEqual(
          (await sorted('data')).map((o) => o.name),
          ['data/aa/1', 'data/ab/22', 'data/b/333', 'datax'],
        );
        assert.deepEqual((await sorted('')).length, names.length);
        assert.deepEqual(await sorted('nothing/'), []);
        assert.deepEqual(await sorted('data/aa/1'), [{ name: 'data/aa/1', size: 1 }]);
      }));

    if (opts.paging) {
      it('lists more than one page (1100 objects) without loss or duplicates', () =>
        withStorage(async (s) => {
          const names = Array.from({ length: 1100 }, (_, i) => `data/p${String(i % 7)}/obj-${i}`);
          await putMany(s, names);
          await s.put('other/x', enc('x'));
          const got = (await collect(s.list('data/'))).map((o) => o.name);
          assert.equal(got.length, 1100);
          assert.equal(new Set(got).size, 1100);
          assert.deepEqual([...got].sort(), [...names].sort());
        }));
    }

    it('deletes idempotently; a deleted name can be written again', () =>
      withStorage(async (s) => {
        await s.put('locks/l1', enc('a'));
        await s.delete('locks/l1');
        await rejectsWith(s.stat('locks/l1'), 'NOT_FOUND');
        await s.delete('locks/l1');
        await s.delete('never/existed');
        await s.put('locks/l1', enc('b'));
        assert.equal(Buffer.from(await s.get('locks/l1')).toString(), 'b');
        assert.deepEqual(await collect(s.list('locks/')), [{ name: 'locks/l1', size: 1 }]);
      }));

    it('reports NOT_FOUND for get/stat of a missing object', () =>
      withStorage(async (s) => {
        await rejectsWith(s.get('data/00/missing'), 'NOT_FOUND');
        await rejectsWith(s.get('data/00/missing', { offset: 2, length: 3 }), 'NOT_FOUND');
        await rejectsWith(s.stat('data/00/missing'), 'NOT_FOUND');
        await rejectsWith(s.stat('data'), 'NOT_FOUND');
      }));

    it('rejects invalid names before touching the backend', () =>
      withStorage(async (s) => {
        const bad = [
          '',
          '/abs',
          '../up',
          'a/../b',
          'a//b',
          'Upper',
          'a/',
          'sp ace',
          'a\\b',
          '.hidden',
          'a/./b',
        ];
        for (const n of bad) {
          await assert.rejects(s.put(n, enc('x')), TypeError, `put ${JSON.stringify(n)}`);
          await assert.rejects(s.get(n), TypeError, `get ${JSON.stringify(n)}`);
          await assert.rejects(s.stat(n), TypeError, `stat ${JSON.stringify(n)}`);
          await assert.rejects(s.delete(n), TypeError, `delete ${JSON.stringify(n)}`);
        }
        await assert.rejects(collect(s.list('../')), TypeError);
        await assert.rejects(collect(s.list('/x')), TypeError);
      }));

    it('rejects with CANCELLED once the abort signal fires', () =>
      withStorage(async (s) => {
        await s.put('data/00/present', enc('x'));
        const fired = AbortSignal.abort();
        await rejectsWith(s.put('data/00/new', enc('x'), { signal: fired }), 'CANCELLED');
        await rejectsWith(s.get('data/00/present', { signal: fired }), 'CANCELLED');
        await rejectsWith(s.stat('data/00/present', { signal: fired }), 'CANCELLED');
        await rejectsWith(s.delete('data/00/present', { signal: fired }), 'CANCELLED');
        await rejectsWith(collect(s.list('data/', { signal: fired })), 'CANCELLED');
        await rejectsWith(s.stat('data/00/new'), 'NOT_FOUND');
        // Abort while a large put is in flight: CANCELLED promptly, and never a partial object.
        const big = randomBytes(Math.min(large, 16 * 1024 * 1024));
        const ctl = new AbortController();
        const started = performance.now();
        const p = s.put('data/00/aborted', big, { signal: ctl.signal });
        setTimeout(() => ctl.abort(), 5);
        let outcome = 'done';
        try {
          await p;
        } catch (e) {
          assert.ok(e instanceof AppError && e.code === 'CANCELLED', `expected CANCELLED, got ${String(e)}`);
          outcome = 'cancelled';
          assert.ok(performance.now() - started < 5000, 'cancellation was not prompt');
        }
        try {
          const info = await s.stat('data/00/aborted');
          assert.equal(info.size, big.length, `a partial object is visible after ${outcome}`);
        } catch (e) {
          assert.ok(e instanceof AppError && e.code === 'NOT_FOUND', String(e));
        }
      }));
  });
}
