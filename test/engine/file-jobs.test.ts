/**
 * The backup's file path end to end below the CLI: crypto workers read, chunk and hash files
 * themselves (file jobs), the main thread dedups and packs what they seal, packs stream to a temp
 * file that appears under its id only when complete, trees go to packs of their own.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { blobId } from '../../src/main/crypto/keys.js';
import { backup } from '../../src/main/engine/backup/backup.js';
import { Chunker } from '../../src/main/repo/chunker.js';
import { saveFiles } from '../../src/main/repo/file-saver.js';
import { BlobType } from '../../src/main/repo/format.js';
import type { Repository } from '../../src/main/repo/repository.js';
import { CryptoPool } from '../../src/main/repo/workers/pool.js';
import { prng, randomBytesFrom, text } from '../support/fs-tree.js';
import { abortWhen } from '../support/progress.js';
import { initRepo, openRepo } from '../support/repo.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out;
}

describe('file jobs in the crypto workers', () => {
  let dir: string;
  let repo: Repository;
  const big = randomBytesFrom(prng(3), 9 * 1024 * 1024 + 12345);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-fj-'));
    await mkdir(join(dir, 'src', 'sub'), { recursive: true });
    await writeFile(join(dir, 'src', 'big.bin'), big);
    await writeFile(join(dir, 'src', 'copy.bin'), big);
    await writeFile(join(dir, 'src', 'empty'), '');
    for (let i = 0; i < 300; i++)
      await writeFile(join(dir, 'src', 'sub', `t${i}.txt`), text(prng(i), 2000 + i));
    repo = await initRepo(join(dir, 'repo'));
  });
  after(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the ids the chunker gives, reports unreadable files per file, and stores each chunk once', async () => {
    const packer = repo.packer();
    const paths = ['big.bin', 'copy.bin', 'empty', 'missing', 'sub'].map((n) => join(dir, 'src', n));
    const seen: number[] = [];
    const out = await saveFiles(
      repo.pool(),
      packer,
      paths.map((path) => ({ path, size: path.endsWith('bin') ? big.length : 0 })),
      (n) => seen.push(n),
    );
    await packer.flush();
    const chunker = new Chunker(repo.chunker, repo.gear);
    const expected = [...chunker.push(big), ...chunker.finish()].map((c) => blobId(repo.keys.mac, c));
    assert.ok(expected.length > 3, 'the big file spans several chunks and several reads');
    assert.deepEqual(out[0], { ok: true, bytes: big.length, content: expected });
    assert.deepEqual(out[1], { ok: true, bytes: big.length, content: expected });
    assert.deepEqual(out[2], { ok: true, bytes: 0, content: [] });
    assert.equal(out[3]?.ok, false);
    assert.equal(out[3]?.ok === false && out[3].code, 'ENOENT');
    assert.equal(out[4]?.ok === false && out[4].code, 'EISDIR');
    assert.equal(
      seen.reduce((a, b) => a + b, 0),
      2 * big.length,
      'progress counts every byte read',
    );
    // the duplicate file added nothing: one copy of each chunk was stored
    assert.equal(packer.addedBytes, big.length);
    for (const id of expected) assert.ok(repo.index.has(id));
  });

  it('a backup leaves no temp file, keeps trees in packs of their own, and reads back exactly', async () => {
    const r = await backup(repo, {
      components: [{ type: 'files', name: 'files', paths: [join(dir, 'src')] }],
    });
    const repoFiles = await filesUnder(join(dir, 'repo'));
    assert.deepEqual(
      repoFiles.filter((f) => f.split('/').at(-1)!.startsWith('.')),
      [],
      'no .tmp file is left behind',
    );
    const packs = repo.index.packs();
    let treePacks = 0;
    for (const [pack, blobs] of packs) {
      const types = new Set(blobs.map((b) => b.loc.type));
      assert.equal(types.size, 1, `pack ${pack.slice(0, 8)} mixes trees and data`);
      if (types.has(BlobType.Tree)) treePacks++;
    }
    assert.ok(treePacks >= 1);
    // a fresh process view: trees come from the tree pack cache, data from ranged reads
    const fresh = await openRepo(join(dir, 'repo'));
    const root = await fresh.loadTree(r.snapshot.tree);
    const files = await fresh.loadTree(root.nodes[0]!.subtree!);
    const src = files.nodes.find((n) => n.name === 'src') ?? files.nodes[0]!;
    let node = src;
    for (const part of join(dir, 'src').split('/').filter(Boolean).slice(1)) {
      const t = await fresh.loadTree(node.subtree!);
      node = t.nodes.find((n) => n.name === part)!;
    }
    const top = await fresh.loadTree(node.subtree!);
    const bigNode = top.nodes.find((n) => n.name === 'big.bin')!;
    const parts = await Promise.all(bigNode.content!.map((id) => fresh.loadBlob(id)));
    assert.ok(Buffer.concat(parts).equals(big));
    const sub = await fresh.loadTree(top.nodes.find((n) => n.name === 'sub')!.subtree!);
    assert.equal(sub.nodes.length, 300);
    const t7 = sub.nodes.find((n) => n.name === 't7.txt')!;
    const body = Buffer.concat(await Promise.all(t7.content!.map((id) => fresh.loadBlob(id))));
    assert.ok(body.equals(await readFile(join(dir, 'src', 'sub', 't7.txt'))));
    await fresh.close();
  });

  it('jobs whose packing failed on the main thread still give their buffers back: later jobs run', {
    timeout: 60_000,
  }, async () => {
    // A worker lends out only a few sealed-part buffers at a time; if failed jobs kept theirs, the
    // next jobs would wait for them for ever.
    const pool = repo.pool();
    const everything = () => new Uint8Array(1024).fill(1);
    const failing = {
      part: async (m: { ids: string[] }) => everything().subarray(0, m.ids.length),
      sealed: async () => {
        throw new Error('disk trouble');
      },
    };
    const file = [{ path: join(dir, 'src', 'big.bin'), size: big.length }];
    for (let i = 0; i < 8; i++) await assert.rejects(pool.files(file, failing), /disk trouble/);
    let sealedParts = 0;
    await pool.files(file, {
      part: async (m) => everything().subarray(0, m.ids.length),
      sealed: async () => {
        sealedParts++;
      },
    });
    assert.ok(sealedParts >= 1);
  });

  it('a followed job reads a file while it is written and ends once it is complete; cancel stops it', {
    timeout: 60_000,
  }, async () => {
    // Random data (chunks of ~1 MiB) then 20 MiB of one repeated line: chunks up to the 8 MiB
    // maximum, larger than a read slab, which must still come out whole and in order.
    const data = Buffer.concat([
      big,
      Buffer.from('42\t1\t0\t        \n'.repeat(1024 * 1024)).subarray(0, 20 << 20),
    ]);
    const chunker = new Chunker(repo.chunker, repo.gear);
    const expected = [...chunker.push(data), ...chunker.finish()].map((c) => blobId(repo.keys.mac, c));
    const path = join(dir, 'growing.dat');
    const writer = await open(path, 'w');
    const reader = await open(path, 'r');
    let complete!: () => void;
    const whole = new Promise<void>((r) => (complete = r));
    const packer = repo.packer();
    const job = saveFiles(repo.pool(), packer, [{ path, size: 0, fd: reader.fd }], undefined, {
      complete: whole,
    });
    for (let at = 0; at < data.length; at += 3 << 20) {
      await writer.write(data.subarray(at, at + (3 << 20)));
      await new Promise((r) => setTimeout(r, 15));
    }
    await writer.close();
    complete();
    const [out] = await job;
    await packer.flush();
    await reader.close();
    assert.deepEqual(out, { ok: true, bytes: data.length, content: expected });
    // the same file as an ordinary job: the same chunks
    const [plain] = await saveFiles(repo.pool(), repo.packer(), [{ path, size: data.length }]);
    assert.deepEqual(plain, out);

    const ac = new AbortController();
    const stalled = await open(path, 'r');
    const never = new Promise<void>(() => {});
    const cancelled = saveFiles(repo.pool(), repo.packer(), [{ path, size: 0, fd: stalled.fd }], undefined, {
      complete: never,
      signal: ac.signal,
    });
    await new Promise((r) => setTimeout(r, 50)); // it has read the file and waits for more
    ac.abort();
    const [c] = await cancelled;
    await stalled.close();
    assert.equal(c?.ok === false && c.code, 'ECANCELED');
  });

  it('workers start as work needs them: another for a second job, not for files that keep up with their writer', {
    timeout: 60_000,
  }, async () => {
    const keys = { enc: repo.keys.enc, mac: repo.keys.mac };
    const chunking = { params: repo.chunker, gear: repo.gear };
    const bigPath = join(dir, 'src', 'big.bin');
    const whole = { path: bigPath, size: big.length };
    const packers: ReturnType<Repository['packer']>[] = [];
    const packer = () => packers[packers.push(repo.packer()) - 1]!;
    const all = new CryptoPool(keys, chunking, 3, 2);
    all.startAll();
    assert.equal(all.started, 3, 'startAll starts the whole pool (a file backup or restore)');
    await all.close();
    // Plain jobs: one worker at first, a second once a job arrives while the first is busy.
    const pool = new CryptoPool(keys, chunking, 2, 2);
    try {
      assert.equal(pool.started, 1);
      await saveFiles(pool, packer(), [whole]);
      assert.equal(pool.started, 1, 'one job at a time needs one worker');
      const both = await Promise.all([
        saveFiles(pool, packer(), [whole]),
        saveFiles(pool, packer(), [whole]),
      ]);
      assert.equal(pool.started, 2);
      assert.deepEqual(both[0], both[1]);
      pool.startAll();
      assert.equal(pool.started, 2, 'never more than its size');
    } finally {
      await pool.close();
    }
    // Followed jobs far behind their writer (the whole file is there before the first read), two
    // on one worker: another starts only where a core is free for it.
    const behind = join(dir, 'behind.dat');
    await writeFile(behind, Buffer.concat([big, big, big, big]));
    for (const [cores, expected] of [
      [2, 1],
      [8, 2],
    ] as const) {
      const p = new CryptoPool(keys, chunking, 2, cores);
      const readers = [await open(behind, 'r'), await open(behind, 'r')];
      let complete!: () => void;
      const written = new Promise<void>((r) => (complete = r));
      try {
        const jobs = readers.map((r) =>
          saveFiles(p, packer(), [{ path: behind, size: 0, fd: r.fd }], undefined, {
            complete: written,
          }),
        );
        await new Promise((r) => setTimeout(r, 300)); // both have read on while the file "grows"
        complete();
        const outs = await Promise.all(jobs);
        assert.equal(outs[0]?.[0]?.ok, true);
        assert.deepEqual(outs[0], outs[1]);
        assert.equal(p.started, expected, `${cores} cores`);
      } finally {
        for (const r of readers) await r.close();
        await p.close();
      }
    }
    for (const k of packers) await k.flush();
  });

  it('a cancelled backup leaves no temp file and no snapshot', async () => {
    const ac = new AbortController();
    const before = (await repo.listSnapshots()).length;
    await writeFile(join(dir, 'src', 'new.bin'), randomBytesFrom(prng(9), 6 * 1024 * 1024));
    const run = backup(repo, {
      components: [{ type: 'files', name: 'files', paths: [join(dir, 'src')] }],
      signal: ac.signal,
      forceReread: true,
      progress: abortWhen(ac, (p) => p.bytesDone > 0),
    });
    await assert.rejects(run, { code: 'CANCELLED' });
    assert.equal((await repo.listSnapshots()).length, before);
    const left = (await filesUnder(join(dir, 'repo'))).filter((f) => f.split('/').at(-1)!.startsWith('.'));
    assert.deepEqual(left, []);
  });
});
