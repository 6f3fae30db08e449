/**
 * Incremental backups reuse an unchanged directory's parent tree as it is (no re-encoding), and only
 * then: a change deep down gives every ancestor a new tree, a directory emptied since is stored
 * empty (also with --force-reread, which does not load the parent), unchanged siblings keep theirs.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backup } from '../../src/main/engine/backup/backup.js';
import type { Repository } from '../../src/main/repo/repository.js';
import type { SnapshotManifest } from '../../src/main/repo/snapshot.js';
import { prng, text } from '../support/fs-tree.js';
import { initRepo, openRepo } from '../support/repo.js';

describe('incremental trees', () => {
  let dir: string;
  let src: string;
  let repo: Repository;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-trees-'));
    src = join(dir, 'src');
    for (const d of ['a/b/c', 'a/side', 'gone']) await mkdir(join(src, d), { recursive: true });
    await writeFile(join(src, 'a/b/c/deep.txt'), text(prng(1), 5000));
    await writeFile(join(src, 'a/side/s.txt'), text(prng(2), 5000));
    await writeFile(join(src, 'gone/g.txt'), 'soon gone');
    repo = await initRepo(join(dir, 'repo'));
  });
  after(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (parent: SnapshotManifest | null, forceReread = false) =>
    backup(repo, { components: [{ type: 'files', name: 'files', paths: [src] }], parent, forceReread });
  /** Tree id of a directory below the source, by its path relative to the source. */
  const treeOf = async (s: SnapshotManifest, rel: string) => {
    let id = (await repo.loadTree(s.tree)).nodes.find((n) => n.name === 'files')!.subtree!;
    for (const part of [...src.split('/').filter(Boolean), ...rel.split('/').filter(Boolean)]) {
      id = (await repo.loadTree(id)).nodes.find((n) => n.name === part)!.subtree!;
    }
    return id;
  };

  it('keeps unchanged trees, renews the changed path up to the root, and stores emptied directories empty', async () => {
    const first = (await run(null)).snapshot;
    const same = (await run(first)).snapshot;
    assert.equal(await treeOf(same, ''), await treeOf(first, ''), 'nothing changed: the same tree');

    await writeFile(join(src, 'a/b/c/deep.txt'), text(prng(3), 6000));
    const changed = (await run(same)).snapshot;
    for (const rel of ['', 'a', 'a/b', 'a/b/c'])
      assert.notEqual(await treeOf(changed, rel), await treeOf(same, rel), `${rel || 'root'} is new`);
    assert.equal(await treeOf(changed, 'a/side'), await treeOf(same, 'a/side'), 'the sibling kept its tree');
    const deep = (await repo.loadTree(await treeOf(changed, 'a/b/c'))).nodes[0]!;
    assert.equal(deep.size, 6000);

    await unlink(join(src, 'gone/g.txt'));
    for (const force of [false, true]) {
      const emptied = (await run(changed, force)).snapshot;
      assert.deepEqual(
        (await repo.loadTree(await treeOf(emptied, 'gone'))).nodes,
        [],
        `force-reread ${force}`,
      );
    }
  });

  it('takes as parent a snapshot another backup committed after this one loaded the index', async () => {
    const components = [{ type: 'files' as const, name: 'files', paths: [src] }];
    const late = await openRepo(join(dir, 'repo')); // its index is read now
    try {
      await writeFile(join(src, 'a/side/new.txt'), text(prng(4), 7000));
      const other = (await backup(repo, { components })).snapshot; // commits after that
      const mine = (await backup(late, { components })).snapshot;
      assert.equal(mine.parent, other.id);
      // Only its own root trees are new: the file the other backup stored is not stored again.
      assert.ok(mine.summary.addedBytes < 7000, `added ${mine.summary.addedBytes} bytes`);
    } finally {
      await late.close();
    }
  });
});
