import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAppError } from '../platform/errors.js';
import { Chunker, type ChunkerParams, DEFAULT_CHUNKER, gearTable } from './chunker.js';

const SMALL: ChunkerParams = { minSize: 2048, avgSize: 8192, maxSize: 65536 };
const seedA = new Uint8Array(32).fill(1);
const seedB = new Uint8Array(32).fill(2);

/** Deterministic pseudo-random bytes (AES-128-CTR keystream of a label). */
function prng(n: number, label = 'data'): Buffer {
  const key = createHash('sha256').update(label).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

function chunkAll(data: Uint8Array, params: ChunkerParams, gear: Uint32Array): Uint8Array[] {
  const c = new Chunker(params, gear);
  return [...c.push(data), ...c.finish()];
}

const sizes = (chunks: Uint8Array[]) => chunks.map((c) => c.length);
const digest = (c: Uint8Array) => createHash('sha256').update(c).digest('hex');

describe('gearTable', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a1 = gearTable(seedA);
    assert.equal(a1.length, 256);
    assert.deepEqual(a1, gearTable(seedA));
    assert.notDeepEqual(a1, gearTable(seedB));
    assert.ok(new Set(a1).size > 250, 'entries look random');
  });

  it('rejects a seed that is not 32 bytes', () => {
    assert.throws(
      () => gearTable(new Uint8Array(16)),
      (e) => isAppError(e, 'INVALID_INPUT'),
    );
  });
});

describe('Chunker', () => {
  const data = prng(2 * 1024 * 1024);

  it('gives the same boundaries for the same seed and different ones for another seed', () => {
    const a = sizes(chunkAll(data, SMALL, gearTable(seedA)));
    assert.deepEqual(a, sizes(chunkAll(data, SMALL, gearTable(seedA))));
    assert.notDeepEqual(a, sizes(chunkAll(data, SMALL, gearTable(seedB))));
  });

  it('respects min and max and reassembles to the input', () => {
    const chunks = chunkAll(data, SMALL, gearTable(seedA));
    assert.ok(chunks.length > 50);
    chunks.slice(0, -1).forEach((c) => {
      assert.ok(c.length >= SMALL.minSize && c.length <= SMALL.maxSize, `size ${c.length}`);
    });
    assert.ok(chunks.at(-1)!.length <= SMALL.maxSize);
    assert.deepEqual(Buffer.concat(chunks), data);
  });

  it('cuts at maxSize when the content never matches the mask', () => {
    const gear = new Uint32Array(256).fill(0x80000000); // h stays 0x80000000: the top bit never clears
    const chunks = chunkAll(new Uint8Array(SMALL.maxSize * 3 + 100), SMALL, gear);
    assert.deepEqual(sizes(chunks), [SMALL.maxSize, SMALL.maxSize, SMALL.maxSize, 100]);
  });

  for (const [label, params, size] of [
    ['small parameters', SMALL, 2 * 1024 * 1024],
    ['default parameters', DEFAULT_CHUNKER, 40 * 1024 * 1024],
  ] as const) {
    it(`re-synchronises boundaries after an insertion in the middle (${label})`, () => {
      const gear = gearTable(seedA);
      const input = prng(size, 'resync');
      const mid = Math.floor(size / 2) + 123;
      const edited = Buffer.concat([input.subarray(0, mid), prng(777, 'insert'), input.subarray(mid)]);
      const before = chunkAll(input, params, gear).map(digest);
      const after = chunkAll(edited, params, gear).map(digest);
      const known = new Set(before);
      const changed = after.filter((d) => !known.has(d)).length;
      assert.ok(before.length >= 20, `${before.length} chunks`);
      // the chunk holding the edit changes; normalized chunking may drag along a few neighbours
      assert.ok(
        changed >= 1 && changed <= (params === SMALL ? 6 : 2),
        `${changed} of ${after.length} changed`,
      );
      const tail = Math.floor(before.length / 3);
      assert.deepEqual(after.slice(-tail), before.slice(-tail), 'the last third is identical');
    });
  }

  it('streams: random push sizes give the same chunks as one push', () => {
    const gear = gearTable(seedA);
    const whole = chunkAll(data, SMALL, gear).map(digest);
    const rnd = prng(4096, 'sizes');
    for (const scale of [1, 97, 70_000]) {
      const c = new Chunker(SMALL, gear);
      const out: Uint8Array[] = [];
      let off = 0;
      for (let k = 0; off < data.length; k++) {
        const len = Math.min(data.length - off, (rnd[k % rnd.length]! * scale) % (3 * SMALL.maxSize));
        out.push(...c.push(data.subarray(off, off + len)));
        off += len;
      }
      out.push(...c.finish());
      assert.deepEqual(out.map(digest), whole, `push scale ${scale}`);
    }
  });

  it('returns no chunks for empty input and is reusable after finish', () => {
    const c = new Chunker(SMALL, gearTable(seedA));
    assert.deepEqual(c.push(new Uint8Array(0)), []);
    assert.deepEqual(c.finish(), []);
    const small = prng(100);
    assert.deepEqual(c.push(small), []);
    assert.deepEqual(c.finish().map(digest), [digest(small)]);
    assert.deepEqual(c.finish(), []);
  });

  it('returns subarrays (no copy) for chunks inside one pushed buffer', () => {
    const chunks = chunkAll(data, SMALL, gearTable(seedA));
    assert.ok(chunks.slice(0, -1).every((c) => c.buffer === data.buffer));
  });

  it('with default parameters keeps sizes within 512 KiB..8 MiB and averages near 1 MiB', () => {
    const big = prng(48 * 1024 * 1024, 'big');
    const chunks = chunkAll(big, DEFAULT_CHUNKER, gearTable(seedA));
    chunks.slice(0, -1).forEach((c) => {
      assert.ok(c.length >= 512 * 1024 && c.length <= 8 * 1024 * 1024);
    });
    const mean = big.length / chunks.length;
    assert.ok(mean > 0.9 * 1024 * 1024 && mean < 1.6 * 1024 * 1024, `mean ${mean}`);
  });

  it('rejects invalid parameters', () => {
    const gear = gearTable(seedA);
    for (const p of [
      { minSize: 4096, avgSize: 2048, maxSize: 8192 },
      { minSize: 0, avgSize: 2048, maxSize: 8192 },
      { minSize: 1024, avgSize: 2048, maxSize: 1.5 },
    ]) {
      assert.throws(
        () => new Chunker(p, gear),
        (e) => isAppError(e, 'INVALID_INPUT'),
      );
    }
  });
});
