import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { gearTable } from './chunker.js';
import { gearScan, gearScanHash } from './gear-scan.js';

function prng(n: number, label: string): Buffer {
  const key = createHash('sha256').update(label).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

/** The loop the module implements, byte by byte: [cut end or -1, hash]. */
function reference(data: Uint8Array, gear: Int32Array, i: number, lim: number, h: number, mask: number) {
  for (; i < lim; i++) {
    h = ((h << 1) + gear[data[i]!]!) | 0;
    if ((h & mask) === 0) return [i + 1, h];
  }
  return [-1, h];
}

const int32 = (t: Uint32Array) => new Int32Array(t.buffer.slice(0));
const topBits = (bits: number) => (0xffffffff << (32 - bits)) | 0;

describe('gearScan (WebAssembly)', () => {
  const data = prng(3 * 1024 * 1024 + 13, 'gear-scan');
  const gearA = int32(gearTable(new Uint8Array(32).fill(7)));
  const gearB = int32(gearTable(new Uint8Array(32).fill(8)));

  it('finds the same cut as the plain loop, from any start, hash and mask', () => {
    const r = prng(4096, 'params');
    for (let k = 0; k < 200; k++) {
      const gear = k % 3 === 0 ? gearB : gearA; // switching tables between calls
      const i = r.readUInt32LE(k * 8) % (data.length - 1);
      const lim = Math.min(data.length, i + (r.readUInt32LE(k * 8 + 4) % (700 * 1024)));
      const h = r.readInt32LE((k * 12) % 4000);
      const mask = topBits(4 + (k % 20));
      const cut = gearScan(data, gear, i, lim, h, mask);
      const [want, wantHash] = reference(data, gear, i, lim, h, mask);
      assert.equal(cut, want, `call ${k}: [${i}, ${lim}) mask bits ${4 + (k % 20)}`);
      if (cut < 0) assert.equal(gearScanHash, wantHash, `call ${k}: hash carried over`);
    }
  });

  it('carries the hash across its internal blocks when no cut is found', () => {
    const never = -1; // all 32 bits must be clear: does not happen in 3 MiB of random data
    for (const [i, lim] of [
      [0, data.length],
      [5, 256 * 1024 + 5],
      [1000, 1001],
      [17, 17],
    ] as const) {
      assert.equal(gearScan(data, gearA, i, lim, 12345, never), -1);
      assert.equal(gearScanHash, reference(data, gearA, i, lim, 12345, never)[1]);
    }
  });

  it('finds a cut in a later block and on the last byte', () => {
    const mask = topBits(24);
    const [first] = reference(data, gearA, 0, data.length, 0, mask);
    assert.ok(first! > 256 * 1024, `first cut ${first} lies beyond the first block`);
    assert.equal(gearScan(data, gearA, 0, data.length, 0, mask), first);
    assert.equal(gearScan(data, gearA, 0, first!, 0, mask), first);
    assert.equal(gearScan(data, gearA, 0, first! - 1, 0, mask), -1);
  });
});
