import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { gearTable } from './chunker.js';
import { countNewlines, gearScan, gearScanHash } from './gear-scan.js';

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

describe('countNewlines (WebAssembly SIMD)', () => {
  const reference = (d: Uint8Array) => d.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);

  it('counts the newline bytes of any range, across its internal blocks', () => {
    // Random bytes with extra newlines, some in runs and at block edges.
    const data = prng(600 * 1024 + 29, 'newlines');
    for (let i = 0; i < data.length; i += 97) data[i] = 10;
    data.fill(10, 256 * 1024 - 20, 256 * 1024 + 20);
    const r = prng(1024, 'ranges');
    for (let k = 0; k < 60; k++) {
      const a = r.readUInt32LE(k * 8) % data.length;
      const len = k < 20 ? k : r.readUInt32LE(k * 8 + 4) % (data.length - a + 1); // short ones too
      const range = data.subarray(a, a + len);
      assert.equal(countNewlines(range), reference(range), `[${a}, ${a + len})`);
    }
    assert.equal(countNewlines(data), reference(data));
  });

  it('counts the rows of COPY text data (one newline per row) and nothing in other bytes', () => {
    const rows = ['1\tAmina\t\\N', '2\tline one\\nline two\t3.5', '3\tZoë\\t(tab)\t\\\\'];
    const copy = Buffer.from(`${rows.join('\n')}\n\\.\n\n\n`);
    assert.equal(countNewlines(copy) - 3, rows.length); // "\.", then two empty lines end the file
    assert.equal(countNewlines(Buffer.alloc(100_000, 0x0b)), 0);
    assert.equal(countNewlines(Buffer.alloc(100_000, 10)), 100_000);
  });
});
