/** A flipped byte in a pack: check names the snapshots and files; restore never writes wrong bytes. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastJson, runCli } from '../support/cli.js';
import { prng, randomBytesFrom } from '../support/fs-tree.js';

async function packs(repo: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(join(repo, 'data')))
    for (const f of await readdir(join(repo, 'data', d))) out.push(join(repo, 'data', d, f));
  return out;
}

describe('corruption', () => {
  let dir: string;
  let env: Record<string, string>;
  let victim: string;
  let srcRel: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-corrupt-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'pw' };
    const r = prng(5);
    await mkdir(join(dir, 'a'), { recursive: true });
    await mkdir(join(dir, 'b'), { recursive: true });
    await writeFile(join(dir, 'a', 'victim.bin'), randomBytesFrom(r, 3_000_000));
    await writeFile(join(dir, 'b', 'healthy.bin'), randomBytesFrom(r, 3_000_000));
    assert.equal((await runCli(['init', '--no-keychain'], env)).code, 0);
    // two backups so each file lives in its own pack
    assert.equal((await runCli(['backup', join(dir, 'b')], env)).code, 0);
    const before = new Set(await packs(join(dir, 'repo')));
    assert.equal((await runCli(['backup', join(dir, 'a'), '--name', 'with-victim'], env)).code, 0);
    const fresh = (await packs(join(dir, 'repo'))).filter((p) => !before.has(p));
    victim = fresh.sort((x, y) => x.localeCompare(y))[0]!;
    // find the largest new pack: the one holding victim.bin's data
    let best = 0;
    for (const p of fresh) {
      const s = (await readFile(p)).length;
      if (s > best) [best, victim] = [s, p];
    }
    const bytes = await readFile(victim);
    bytes[1000] = bytes[1000]! ^ 0x01;
    await writeFile(victim, bytes);
    srcRel = dir.split('/').filter(Boolean).join('/');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('check --read-data-subset 100% reports the damage with snapshot and file', async () => {
    const r = await runCli(['check', '--read-data-subset', '100%'], env);
    assert.equal(r.code, 13, r.stdout + r.stderr);
    assert.match(r.stdout, /damaged/);
    assert.match(r.stdout, /victim\.bin/);
    assert.doesNotMatch(r.stdout, /healthy\.bin/);
    const json = lastJson<{ ok: boolean; affected: { snapshot: string; paths: string[] }[] }>(
      await runCli(['check', '--read-data-subset', '100%', '--json'], env),
    );
    assert.equal(json.ok, false);
    assert.equal(json.affected.length, 1);
    const snaps = lastJson<{ id: string; name?: string }[]>(await runCli(['snapshots', '--json'], env));
    assert.equal(json.affected[0]!.snapshot, snaps.find((s) => s.name === 'with-victim')!.id);
  });

  it('check without --read-data-subset verifies the structure only', async () => {
    const r = await runCli(['check', '--json'], env);
    assert.equal(
      lastJson<{ ok: boolean }>(r).ok,
      true,
      'structure is intact; only --read-data finds bit rot',
    );
  });

  it('restoring the damaged file fails loudly and writes nothing wrong; other files restore', async () => {
    const out = join(dir, 'out');
    const r = await runCli(['restore', 'latest', '--target', out], env);
    assert.equal(r.code, 13);
    assert.match(r.stderr, /victim\.bin/);
    const victimOut = join(out, 'files', srcRel, 'a', 'victim.bin');
    await assert.rejects(readFile(victimOut), /ENOENT/);
    const first = lastJson<{ id: string }[]>(await runCli(['snapshots', '--json'], env))[0]!.id;
    const ok = await runCli(['restore', first, '--target', join(dir, 'out2')], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(
      await readFile(join(dir, 'out2', 'files', srcRel, 'b', 'healthy.bin')),
      await readFile(join(dir, 'b', 'healthy.bin')),
    );
  });
});
