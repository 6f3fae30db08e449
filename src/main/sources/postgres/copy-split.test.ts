import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAppError } from '../../platform/errors.js';
import { copyPartBytes, copyParts } from './copy-split.js';

function prng(n: number, label: string): Buffer {
  const key = createHash('sha256').update(label).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

/** COPY text: rows of varied length (one of them `giant` bytes long), then the end marker. */
function copyData(rows: number, giantAt = -1, giant = 0): Buffer {
  const r = prng(rows * 2, 'rows');
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const len = i === giantAt ? giant : 1 + (r.readUInt16LE(i * 2) % 300);
    lines.push(`${i}\t${'x'.repeat(len)}\\n-escaped\n`);
  }
  return Buffer.from(`${lines.join('')}\\.\n\n`);
}

/** The file's bytes from `from` on, in pieces of pseudo-random size (as blobs arrive). */
async function* pieces(data: Buffer, from: number, label: string): AsyncGenerator<Uint8Array> {
  const r = prng(4096, label);
  let off = from;
  for (let k = 0; off < data.length; k++) {
    const n = 1 + (r.readUInt16LE((k * 2) % 4094) % 5000);
    yield data.subarray(off, off + n);
    off += n;
  }
}

async function readPart(data: Buffer, part: { from: number; to?: number }, label: string): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of copyPartBytes(pieces(data, part.from, label), part, 't')) out.push(b);
  return Buffer.concat(out);
}

describe('cutting COPY data into parts', () => {
  it('cuts only large files, into at most `jobs` parts', () => {
    assert.deepEqual(copyParts(1000, 2, 600), [{ from: 0 }]);
    assert.deepEqual(copyParts(1000, 2, 500), [{ from: 0, to: 500 }, { from: 500 }]);
    assert.deepEqual(copyParts(1000, 4, 300), [{ from: 0, to: 333 }, { from: 333, to: 666 }, { from: 666 }]);
    assert.deepEqual(copyParts(1000, 1, 10), [{ from: 0 }]);
    assert.deepEqual(copyParts(1000, 4, 0), [{ from: 0 }], '0 turns cutting off');
  });

  for (const [label, data] of [
    ['rows of varied length', copyData(3000)],
    ['a row longer than a part', copyData(400, 150, 200_000)],
  ] as const) {
    it(`loads every row exactly once, each part whole rows (${label})`, async () => {
      for (const jobs of [2, 3, 4]) {
        const parts = copyParts(data.length, jobs, 1);
        assert.equal(parts.length, jobs);
        const got = await Promise.all(parts.map((p, k) => readPart(data, p, `${label}-${jobs}-${k}`)));
        assert.deepEqual(Buffer.concat(got), data, `${jobs} parts join to the file`);
        for (const [k, g] of got.slice(0, -1).entries()) {
          if (g.length > 0) assert.equal(g.at(-1), 0x0a, `part ${k} of ${jobs} ends a row`);
        }
        // The giant row covers the 2nd and 3rd of 4 split points: the part between them is empty.
        if (label.startsWith('a row') && jobs === 4) assert.equal(got[2]?.length, 0);
      }
    });
  }

  it('a file that ends inside a part fails with INTEGRITY', async () => {
    const data = copyData(2000);
    const [first, second] = copyParts(data.length, 2, 1);
    // Cut right after the split point, inside a row: the first part cannot find its last newline,
    // the second cannot find its first.
    const cut = data.subarray(0, data.indexOf(0x0a, second!.from) - 1);
    for (const part of [first!, second!]) {
      await assert.rejects(
        (async () => {
          for await (const _ of copyPartBytes(pieces(cut, part.from, 'cut'), part, 'public.t')) {
          }
        })(),
        (e) => isAppError(e, 'INTEGRITY') && /public\.t/.test((e as Error).message),
      );
    }
  });
});
