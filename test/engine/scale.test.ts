/** Scale: 50,000 small files and a 2 GiB sparse-ish file round-trip exactly. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastJson, runCli } from '../support/cli.js';
import { describeTree, prng, randomBytesFrom } from '../support/fs-tree.js';

async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const b of createReadStream(p, { highWaterMark: 8 * 1024 * 1024 })) h.update(b as Buffer);
  return h.digest('hex');
}

describe('scale', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-scale-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'pw' };
    assert.equal((await runCli(['init', '--no-keychain'], env)).code, 0);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('50,000 small files', async (t) => {
    const r = prng(50);
    for (let d = 0; d < 100; d++) {
      const sub = join(dir, 'many', `d${String(d).padStart(3, '0')}`);
      await mkdir(sub, { recursive: true });
      await Promise.all(
        Array.from({ length: 500 }, (_, f) =>
          writeFile(
            join(sub, `f${f}.txt`),
            `file ${d}/${f} ${randomBytesFrom(r, 20 + (f % 200)).toString('hex')}\n`,
          ),
        ),
      );
    }
    const t0 = performance.now();
    const b = await runCli(['backup', join(dir, 'many'), '--json'], env);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(lastJson<{ summary: { files: number } }>(b).summary.files, 50_000);
    const t1 = performance.now();
    const out = join(dir, 'many-out');
    const res = await runCli(['restore', 'latest', '--target', out], env);
    assert.equal(res.code, 0, res.stderr);
    t.diagnostic(
      `backup ${((t1 - t0) / 1000).toFixed(1)} s, restore ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    const restored = await describeTree(join(out, 'files', ...dir.split('/').filter(Boolean), 'many'));
    assert.equal(restored.filter((e) => e.type === 'file').length, 50_000);
    assert.deepEqual(restored, await describeTree(join(dir, 'many')));
    await rm(out, { recursive: true, force: true });
  });

  it('a 2 GiB sparse-ish file', async (t) => {
    const big = join(dir, 'big', 'disk.img');
    await mkdir(join(dir, 'big'));
    const fh = await open(big, 'w');
    await fh.truncate(2 * 1024 ** 3);
    const r = prng(2);
    for (let i = 0; i < 16; i++)
      await fh.write(randomBytesFrom(r, 1024 * 1024), 0, 1024 * 1024, i * 128 * 1024 * 1024 + i * 4097);
    await fh.close();
    const t0 = performance.now();
    const b = await runCli(['backup', join(dir, 'big'), '--json'], env);
    assert.equal(b.code, 0, b.stderr);
    const s = lastJson<{ summary: { bytes: number; storedBytes: number } }>(b).summary;
    assert.equal(s.bytes, 2 * 1024 ** 3);
    assert.ok(s.storedBytes < 64 * 1024 * 1024, `stored ${s.storedBytes}: zeros should dedup`);
    const out = join(dir, 'big-out');
    const t1 = performance.now();
    const res = await runCli(['restore', 'latest', '--target', out, '--include', `files${dir}/big/**`], env);
    assert.equal(res.code, 0, res.stderr);
    t.diagnostic(
      `backup ${((t1 - t0) / 1000).toFixed(1)} s, restore ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    const restored = join(out, 'files', ...dir.split('/').filter(Boolean), 'big', 'disk.img');
    const st = await stat(restored);
    assert.equal(st.size, 2 * 1024 ** 3);
    assert.ok(st.blocks * 512 < 256 * 1024 * 1024, 'zero runs are restored as holes');
    assert.equal(await sha256File(restored), await sha256File(big));
  });
});
