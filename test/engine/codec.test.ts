/**
 * Blob payload codecs and restore's write jobs, below the engine: zstd for what compresses, raw for
 * what does not, brotli blobs (written before zstd) still read; a worker writes only verified blobs,
 * leaves zeros as holes, and reports damaged blobs and failed writes apart.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { open, seal } from '../../src/main/crypto/aead.js';
import { blobId } from '../../src/main/crypto/keys.js';
import { backup } from '../../src/main/engine/backup/backup.js';
import { restore } from '../../src/main/engine/restore/restore.js';
import { AppError } from '../../src/main/platform/errors.js';
import { openBlob, openBlobSync, sealBlob } from '../../src/main/repo/blob.js';
import { Codec } from '../../src/main/repo/format.js';
import { writeBlobs } from '../../src/main/repo/workers/write-job.js';
import { prng, text } from '../support/fs-tree.js';
import { initRepo } from '../support/repo.js';

const keys = { enc: randomBytes(32), mac: randomBytes(32) };
const codecOf = (id: string, sealed: Uint8Array) => open(keys.enc, sealed, Buffer.from(id, 'hex'), 'test')[0];

/** A blob sealed with a payload of our choosing (as an older or damaged writer would). */
function sealPayload(plain: Buffer, codec: number, body: Uint8Array): { id: string; sealed: Buffer } {
  const id = blobId(keys.mac, plain);
  return { id, sealed: seal(keys.enc, Buffer.concat([Buffer.of(codec), body]), Buffer.from(id, 'hex')) };
}

describe('blob codecs', () => {
  const words = text(prng(7), 300_000);

  it('stores compressible data as zstd, incompressible and tiny data raw, and reads each back', async () => {
    const noise = randomBytes(300_000);
    const tiny = Buffer.from('ok');
    for (const [plain, codec] of [
      [words, Codec.Zstd],
      [noise, Codec.Raw],
      [tiny, Codec.Raw],
    ] as const) {
      const b = await sealBlob(keys, plain);
      assert.equal(codecOf(b.id, b.sealed), codec);
      if (codec === Codec.Zstd) assert.ok(b.sealed.length < plain.length / 2, 'text shrinks');
      assert.deepEqual(await openBlob(keys, b.id, b.sealed), plain);
      assert.deepEqual(openBlobSync(keys, b.id, b.sealed, plain.length), plain);
    }
  });

  it('still reads brotli blobs written before zstd', async () => {
    const { id, sealed } = sealPayload(
      words,
      Codec.Brotli,
      zlib.brotliCompressSync(words, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }),
    );
    assert.deepEqual(await openBlob(keys, id, sealed), words);
    assert.deepEqual(openBlobSync(keys, id, sealed, words.length), words);
  });

  it('names a blob whose zstd body is damaged (INTEGRITY) and an unknown codec (UNSUPPORTED_FORMAT)', async () => {
    const good = await sealBlob(keys, words);
    const body = open(keys.enc, good.sealed, Buffer.from(good.id, 'hex'), 'test').subarray(1);
    const broken = Buffer.from(body);
    broken.fill(0x55, 20, 200);
    const damaged = sealPayload(words, Codec.Zstd, broken);
    await assert.rejects(
      openBlob(keys, damaged.id, damaged.sealed),
      (e: unknown) =>
        e instanceof AppError && e.code === 'INTEGRITY' && e.message.includes(damaged.id.slice(0, 12)),
    );
    const future = sealPayload(words, 9, words);
    await assert.rejects(
      openBlob(keys, future.id, future.sealed),
      (e: unknown) =>
        e instanceof AppError && e.code === 'UNSUPPORTED_FORMAT' && /newer version/.test(e.hint ?? ''),
    );
  });
});

describe('restore write jobs', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-wj-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes verified blobs into files, leaves zeros as holes and reports damage and write errors apart', async () => {
    const a = text(prng(1), 200_000);
    const zeros = Buffer.alloc(1024 * 1024);
    const b = randomBytes(100_000);
    const sa = await sealBlob(keys, a);
    const sz = await sealBlob(keys, zeros);
    const sb = await sealBlob(keys, b);
    const damaged = Buffer.from(sb.sealed);
    damaged[40]! ^= 1;
    const range = Buffer.concat([sa.sealed, sz.sealed, damaged, sb.sealed]);
    const at = [0, sa.sealed.length, sa.sealed.length + sz.sealed.length];
    at.push(at[2]! + damaged.length);
    // big: zeros then `a`, created at its final size beforehand (as restore does for multi-blob files)
    const big = join(dir, 'big');
    await writeFile(big, '');
    await truncate(big, zeros.length + a.length);
    const outcomes = writeBlobs(keys, range, [
      {
        id: sa.id,
        at: at[0]!,
        length: sa.sealed.length,
        rawLength: a.length,
        targets: [
          { path: join(dir, 'a'), offset: 0, create: true },
          { path: big, offset: zeros.length, create: false },
        ],
      },
      {
        id: sz.id,
        at: at[1]!,
        length: sz.sealed.length,
        rawLength: zeros.length,
        targets: [
          { path: join(dir, 'zero'), offset: 0, create: true },
          { path: big, offset: 0, create: false },
        ],
      },
      {
        id: sb.id,
        at: at[2]!,
        length: damaged.length,
        rawLength: b.length,
        targets: [{ path: join(dir, 'damaged'), offset: 0, create: true }],
      },
      {
        id: sb.id,
        at: at[3]!,
        length: sb.sealed.length,
        rawLength: b.length,
        targets: [{ path: join(dir, 'no-such-dir', 'b'), offset: 0, create: true }],
      },
    ]);
    assert.equal(outcomes[0], null);
    assert.equal(outcomes[1], null);
    assert.equal(outcomes[2]?.integrity, true);
    assert.equal(outcomes[2]?.code, 'INTEGRITY');
    assert.equal(outcomes[3]?.integrity, false);
    assert.equal(outcomes[3]?.code, 'ENOENT');

    assert.deepEqual(await readFile(join(dir, 'a')), a);
    assert.deepEqual(await readFile(big), Buffer.concat([zeros, a]));
    const z = await stat(join(dir, 'zero'));
    assert.equal(z.size, zeros.length);
    assert.ok(z.blocks * 512 < zeros.length, 'a blob of zeros is a hole, not written');
    await assert.rejects(stat(join(dir, 'damaged')), { code: 'ENOENT' }, 'nothing unverified is written');
  });
});

describe('restore onto a full disk', () => {
  let dir: string;
  let mnt: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-full-'));
    mnt = join(dir, 'small');
    await mkdir(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]); // root, as CI runs
  });
  after(async () => {
    execFileSync('umount', [mnt]);
    await rm(dir, { recursive: true, force: true });
  });

  it('stops with NO_SPACE naming the file (a real 1 MiB tmpfs)', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'big.bin'), randomBytes(3 * 1024 * 1024));
    const repo = await initRepo(join(dir, 'repo'));
    try {
      const { snapshot } = await backup(repo, {
        components: [{ type: 'files', name: 'files', paths: [src] }],
      });
      await assert.rejects(
        restore(repo, snapshot, { target: join(mnt, 'out') }),
        (e: unknown) =>
          e instanceof AppError &&
          e.code === 'NO_SPACE' &&
          e.message.includes('big.bin') &&
          /free space/.test(e.hint ?? ''),
      );
    } finally {
      await repo.close();
    }
  });
});
