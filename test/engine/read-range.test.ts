/**
 * readNodeStream from a byte offset (restore's parallel COPY parts start reading a table's data in
 * the middle): the blobs before the offset are skipped by their sizes in the index, and the bytes
 * equal the file's from that offset, whether it falls on a blob boundary, inside a blob or past
 * the end.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backup } from '../../src/main/engine/backup/backup.js';
import { readNodeStream } from '../../src/main/engine/backup/stream.js';
import { Repository } from '../../src/main/repo/repository.js';
import type { TreeNode } from '../../src/main/repo/tree.js';
import { LocalStorage } from '../../src/main/storage/local.js';
import { prng } from '../support/fs-tree.js';
import { fastPass } from '../support/repo.js';

describe('reading a stored file from an offset', () => {
  let dir: string;
  let repo: Repository;
  let data: Buffer;
  let node: TreeNode;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-range-'));
    const rnd = prng(7);
    data = Buffer.alloc(700_000);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'f.dat'), data);
    ({ repo } = await Repository.init(new LocalStorage(join(dir, 'repo')), {
      slots: [fastPass()],
      chunker: { minSize: 4096, avgSize: 16384, maxSize: 65536 },
    }));
    const snap = (
      await backup(repo, { components: [{ type: 'files', name: 'files', paths: [join(dir, 'src')] }] })
    ).snapshot;
    let id = (await repo.loadTree(snap.tree)).nodes.find((n) => n.name === 'files')!.subtree!;
    for (const part of [...join(dir, 'src').split('/').filter(Boolean)])
      id = (await repo.loadTree(id)).nodes.find((n) => n.name === part)!.subtree!;
    node = (await repo.loadTree(id)).nodes.find((n) => n.name === 'f.dat')!;
  });
  after(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the bytes from the offset on', async () => {
    const ids = node.content ?? [];
    assert.ok(ids.length > 10, `${ids.length} blobs`);
    const sizes = ids.map((id) => repo.index.get(id)!.rawLength);
    const boundary = sizes[0]! + sizes[1]! + sizes[2]!;
    for (const start of [
      0,
      1,
      sizes[0]!,
      boundary - 1,
      boundary,
      boundary + 1,
      350_000,
      data.length - 1,
      data.length,
      data.length + 5,
    ]) {
      const out: Buffer[] = [];
      for await (const b of readNodeStream(repo, node, { start })) out.push(b);
      assert.deepEqual(Buffer.concat(out), data.subarray(start), `from ${start}`);
    }
  });
});
