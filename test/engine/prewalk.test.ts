/**
 * The prewalk (paths listed and lstat'ed while the repository opens): a backup that uses it stores
 * exactly the tree a backup without it stores, first and incremental; its totals are the backup's;
 * a file that vanishes after the prewalk saw it is reported, not stored; a stopped prewalk leaves
 * the rest to the archiver.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backup } from '../../src/main/engine/backup/backup.js';
import { Prewalk } from '../../src/main/engine/backup/prewalk.js';
import type { Repository } from '../../src/main/repo/repository.js';
import type { SnapshotManifest } from '../../src/main/repo/snapshot.js';
import { makeAwkwardTree, prng, text } from '../support/fs-tree.js';
import { initRepo } from '../support/repo.js';

describe('prewalk', () => {
  let dir: string;
  let src: string;
  let repo: Repository;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-prewalk-'));
    src = join(dir, 'src');
    await makeAwkwardTree(src, 4);
    for (let i = 0; i < 40; i++) await writeFile(join(src, `n${i}.txt`), text(prng(i), 3000 + i));
    repo = await initRepo(join(dir, 'repo'));
  });
  after(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  const filesTree = async (s: SnapshotManifest) =>
    (await repo.loadTree(s.tree)).nodes.find((n) => n.name === 'files')?.subtree;
  const run = (prewalk: Prewalk | undefined, parent: SnapshotManifest | null) =>
    backup(repo, {
      components: [{ type: 'files', name: 'files', paths: [src] }],
      parent,
      ...(prewalk ? { prewalk } : {}),
    });

  it('stores the same tree as a backup without it, first and incremental, with its totals', async () => {
    const plain = await run(undefined, null);
    const pre = new Prewalk([src]);
    await pre.done;
    assert.deepEqual(pre.totals, {
      bytes: plain.snapshot.summary.bytes,
      files: plain.snapshot.summary.files,
    });
    const first = await run(pre, null);
    assert.equal(await filesTree(first.snapshot), await filesTree(plain.snapshot));
    assert.deepEqual(first.warnings, []);
    assert.equal(pre.take(src), undefined, 'the archiver took the listings it used');

    await writeFile(join(src, 'n3.txt'), 'changed');
    const plainNext = await run(undefined, plain.snapshot);
    const next = await run(new Prewalk([src]), first.snapshot);
    assert.equal(await filesTree(next.snapshot), await filesTree(plainNext.snapshot));
    assert.ok(next.snapshot.summary.addedBytes < 1024 * 1024, 'unchanged files were not read again');
  });

  it('reports a file that vanished after the prewalk saw it, and stores the rest', async () => {
    await writeFile(join(src, 'gone.txt'), 'here for a moment');
    const pre = new Prewalk([src]);
    await pre.done;
    await unlink(join(src, 'gone.txt'));
    const r = await run(pre, null);
    assert.ok(
      r.warnings.some((w) => w.includes('gone.txt') && w.includes('vanished')),
      JSON.stringify(r.warnings),
    );
    const names = (await repo.loadTree((await filesTree(r.snapshot))!)).nodes.map((n) => n.name);
    assert.ok(!names.includes('gone.txt'));
  });

  it('a prewalk stopped at once gives no totals and the archiver walks everything itself', async () => {
    const plain = await run(undefined, null);
    const pre = new Prewalk([src]);
    pre.stop();
    await pre.done;
    assert.equal(pre.totals, undefined);
    const r = await run(pre, null);
    assert.equal(await filesTree(r.snapshot), await filesTree(plain.snapshot));
  });
});
