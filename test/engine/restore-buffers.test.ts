/**
 * Restore reuses its pack-range buffers by moving them to the crypto workers and back. Memory an
 * adapter gives out but still holds (a cache, Node's shared Buffer pool) must not be moved: it is
 * copied instead. Before this was checked, a range at the front of a larger buffer of the adapter's
 * took that whole buffer away from it (and Node 21+ refuses to move the shared pool at all).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backup } from '../../src/main/engine/backup/backup.js';
import { restore } from '../../src/main/engine/restore/restore.js';
import { Repository } from '../../src/main/repo/repository.js';
import { LocalStorage } from '../../src/main/storage/local.js';
import type { GetOptions } from '../../src/main/storage/port.js';
import { prng } from '../support/fs-tree.js';
import { fastPass } from '../support/repo.js';

/** Answers range reads with the front of a larger buffer it keeps (as a caching adapter could). */
class KeepingStorage extends LocalStorage {
  readonly kept: { buf: Uint8Array; size: number }[] = [];
  override async get(name: string, opts?: GetOptions): Promise<Uint8Array> {
    const { into: _ignored, ...rest } = opts ?? {};
    const data = await super.get(name, rest);
    if (opts?.length === undefined) return data;
    const buf = new Uint8Array(data.length + 4096);
    buf.set(data);
    this.kept.push({ buf, size: buf.byteLength });
    return buf.subarray(0, data.length);
  }
}

describe('restore and the memory of storage adapters', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-rbuf-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('copies a range the adapter still holds instead of moving its memory', async () => {
    const rnd = prng(11);
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'f.bin'), data);
    await writeFile(join(dir, 'src', 'small.txt'), 'a few bytes');
    const storage = new KeepingStorage(join(dir, 'repo'));
    const { repo } = await Repository.init(storage, { slots: [fastPass()] });
    try {
      const snap = (
        await backup(repo, { components: [{ type: 'files', name: 'files', paths: [join(dir, 'src')] }] })
      ).snapshot;
      storage.kept.length = 0;
      await restore(repo, snap, { target: join(dir, 'out') });
      assert.ok(storage.kept.length > 0, 'pack ranges were read');
      for (const k of storage.kept)
        assert.equal(k.buf.byteLength, k.size, "the adapter's buffer is still its own");
      const root = join(dir, 'out', 'files', ...join(dir, 'src').split('/').filter(Boolean));
      assert.deepEqual(await readFile(join(root, 'f.bin')), data);
      assert.equal(await readFile(join(root, 'small.txt'), 'utf8'), 'a few bytes');
    } finally {
      await repo.close();
    }
  });
});
