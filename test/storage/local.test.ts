import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalStorage } from '../../src/main/storage/local.js';
import { collect, rejectsWith, storageSuite } from './suite.js';

async function fresh(): Promise<{ dir: string; storage: LocalStorage; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mvono-local-'));
  return {
    dir,
    storage: new LocalStorage(join(dir, 'repo')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

storageSuite('local', fresh, { paging: true, exclusiveCreate: true });

describe('LocalStorage specifics', () => {
  it('streams an object written out of order, visible only after commit, and write-once', async () => {
    const { dir, storage, cleanup } = await fresh();
    try {
      const w = await storage.openWriter();
      await Promise.all([w.writeAt(Buffer.from('world'), 6), w.writeAt(Buffer.from('hello '), 0)]);
      await rejectsWith(storage.get('data/cd/obj'), 'NOT_FOUND');
      await w.commit('data/cd/obj');
      assert.equal(Buffer.from(await storage.get('data/cd/obj')).toString(), 'hello world');
      const again = await storage.openWriter();
      await again.writeAt(Buffer.from('other'), 0);
      await rejectsWith(again.commit('data/cd/obj'), 'ALREADY_EXISTS');
      const dropped = await storage.openWriter();
      await dropped.writeAt(Buffer.from('partial'), 0);
      await dropped.abort();
      const dots = (await readdir(join(dir, 'repo'), { recursive: true })).filter((n) =>
        n.split('/').at(-1)!.startsWith('.'),
      );
      assert.deepEqual(dots, [], 'commit, a refused commit and abort leave no temp file');
    } finally {
      await cleanup();
    }
  });

  it('removes stale partial writes (a killed writer) but not recent ones', async () => {
    const { dir, storage, cleanup } = await fresh();
    try {
      await storage.put('data/ab/x', new Uint8Array([1]));
      const old = [join(dir, 'repo', '.tmp-killed'), join(dir, 'repo', 'data', 'ab', '.tmp-killed')];
      for (const p of old) {
        await writeFile(p, 'partial pack');
        await utimes(p, new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
      }
      const live = await storage.openWriter();
      await live.writeAt(Buffer.from('in progress'), 0);
      assert.equal(await storage.removeStaleWrites(3_600_000), 2);
      const left = (await readdir(join(dir, 'repo'), { recursive: true })).filter((n) =>
        n.split('/').at(-1)!.startsWith('.tmp-'),
      );
      assert.equal(left.length, 1, 'the live writer keeps its file');
      await live.commit('data/ef/y');
      assert.equal(Buffer.from(await storage.get('data/ef/y')).toString(), 'in progress');
    } finally {
      await cleanup();
    }
  });

  it('leaves no temp files behind and ignores foreign dot-files in list', async () => {
    const { dir, storage, cleanup } = await fresh();
    try {
      await storage.put('data/ab/x', new Uint8Array([1]));
      await rejectsWith(storage.put('data/ab/x', new Uint8Array([2])), 'ALREADY_EXISTS');
      assert.deepEqual(await readdir(join(dir, 'repo', 'data', 'ab')), ['x']);
      await writeFile(join(dir, 'repo', 'data', 'ab', '.tmp-stale'), 'junk');
      await writeFile(join(dir, 'repo', 'data', 'ab', 'UPPER'), 'junk');
      assert.deepEqual(await collect(storage.list('data/')), [{ name: 'data/ab/x', size: 1 }]);
    } finally {
      await cleanup();
    }
  });

  it('removes directories a delete leaves empty', async () => {
    const { dir, storage, cleanup } = await fresh();
    try {
      await storage.put('data/ab/x', new Uint8Array([1]));
      await storage.delete('data/ab/x');
      assert.deepEqual(await readdir(join(dir, 'repo')), []);
    } finally {
      await cleanup();
    }
  });

  it('maps a denied write (EACCES, or EROFS as root) to PERMISSION_DENIED naming the path', async () => {
    const { dir, storage, cleanup } = await fresh();
    const target = join(dir, 'repo');
    let mounted = false;
    try {
      await mkdir(target, { recursive: true });
      if (process.getuid?.() === 0) {
        mounted = tryMount(['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', target]);
        if (!mounted) return checkMapping('EACCES', 'PERMISSION_DENIED');
      } else {
        await chmod(target, 0o500);
      }
      const e = await rejectsWith(storage.put('data/x', new Uint8Array([1])), 'PERMISSION_DENIED');
      assert.ok(e.message.includes(target), e.message);
      assert.ok(e.hint);
    } finally {
      if (mounted) execFileSync('umount', [target]);
      await chmod(target, 0o700).catch(() => {});
      await cleanup();
    }
  });

  it('maps a full disk (ENOSPC) to NO_SPACE and leaves no partial object', async () => {
    const { dir, storage, cleanup } = await fresh();
    const target = join(dir, 'repo');
    let mounted = false;
    try {
      await mkdir(target, { recursive: true });
      mounted = process.getuid?.() === 0 && tryMount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', target]);
      if (!mounted) return checkMapping('ENOSPC', 'NO_SPACE');
      const e = await rejectsWith(storage.put('data/huge', new Uint8Array(4 * 1024 * 1024)), 'NO_SPACE');
      assert.ok(e.hint);
      await rejectsWith(storage.stat('data/huge'), 'NOT_FOUND');
      assert.deepEqual(await readdir(join(target, 'data')), []);
    } finally {
      if (mounted) execFileSync('umount', [target]);
      await cleanup();
    }
  });
});

/** Mounts (root only); false when the environment forbids it. */
function tryMount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fallback where no real failing filesystem can be arranged: the errno mapping itself. */
function checkMapping(errno: string, code: string): void {
  const storage = new LocalStorage('/nonexistent-root');
  const mapper = storage as unknown as { mapError(e: unknown, w: string, p: string): { code: string } };
  assert.equal(mapper.mapError(Object.assign(new Error(errno), { code: errno }), 'write', '/x').code, code);
}
