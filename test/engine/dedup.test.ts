import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastJson, runCli } from '../support/cli.js';
import { dirSize } from '../support/du.js';
import { prng, randomBytesFrom, text } from '../support/fs-tree.js';

interface Summary {
  snapshot: string;
  summary: { addedBytes: number; storedBytes: number; files: number };
}

describe('deduplication', () => {
  let dir: string;
  let env: Record<string, string>;
  const files: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-dd-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'pw' };
    const r = prng(7);
    for (let d = 0; d < 10; d++) {
      await mkdir(join(dir, 'src', `d${d}`), { recursive: true });
      for (let f = 0; f < 10; f++) {
        const p = join(dir, 'src', `d${d}`, `f${f}.bin`);
        // half compressible text, half random: ~40 MiB in 100 files
        await writeFile(p, f % 2 ? randomBytesFrom(r, 400_000 + ((r() * 400_000) | 0)) : text(r, 400_000));
        files.push(p);
      }
    }
    assert.equal((await runCli(['init', '--no-keychain'], env)).code, 0);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('an unchanged second backup adds less than 1 MiB', async () => {
    const first = lastJson<Summary>(await runCli(['backup', join(dir, 'src'), '--json'], env));
    assert.equal(first.summary.files, 100);
    const before = await dirSize(join(dir, 'repo'));
    const second = lastJson<Summary>(await runCli(['backup', join(dir, 'src'), '--json'], env));
    const grown = (await dirSize(join(dir, 'repo'))) - before;
    assert.ok(second.summary.addedBytes < 1024 * 1024, `added ${second.summary.addedBytes}`);
    assert.ok(grown < 1024 * 1024, `repository grew ${grown}`);
  });

  it('after editing 2% of the files the repository grows by about the changed bytes', async () => {
    const r = prng(99);
    let changed = 0;
    for (const p of [files[1]!, files[3]!]) {
      const b = await readFile(p);
      const patch = randomBytesFrom(r, 64 * 1024);
      patch.copy(b, Math.floor(b.length / 2));
      await writeFile(p, b);
      changed += patch.length;
    }
    const before = await dirSize(join(dir, 'repo'));
    const res = lastJson<Summary>(await runCli(['backup', join(dir, 'src'), '--json'], env));
    const grown = (await dirSize(join(dir, 'repo'))) - before;
    // FastCDC re-synchronises after the edit: only the chunks around it are new (1 MiB average chunks).
    assert.ok(grown >= changed, `grew ${grown} < changed ${changed}`);
    assert.ok(grown < 2 * (2 * 1024 * 1024) + 256 * 1024, `grew ${grown}: more than the edited chunks`);
    assert.ok(res.summary.addedBytes < 5 * 1024 * 1024);
  });
});
