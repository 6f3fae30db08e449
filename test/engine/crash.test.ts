/**
 * Crash safety: the backup process is SIGKILLed at random moments, 20+ times. Afterwards the
 * repository checks clean, every earlier snapshot restores, the next backup succeeds and prune
 * removes what the killed runs left behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, lastJson, runCli } from '../support/cli.js';
import { describeTree, prng, randomBytesFrom, text } from '../support/fs-tree.js';

/** Runs a backup and SIGKILLs it after `afterMs`; resolves with how it ended and how long it ran. */
function killedBackup(
  args: string[],
  env: Record<string, string>,
  afterMs: number,
): Promise<{ killed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const t = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ killed: code === null && signal === 'SIGKILL', ms: performance.now() - t0 });
    });
  });
}

describe('crash safety', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-crash-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'pw' };
    const r = prng(3);
    for (let i = 0; i < 40; i++) {
      await mkdir(join(dir, 'src', `d${i % 5}`), { recursive: true });
      await writeFile(
        join(dir, 'src', `d${i % 5}`, `f${i}`),
        i % 3 ? text(r, 700_000) : randomBytesFrom(r, 900_000),
      );
    }
    assert.equal((await runCli(['init', '--no-keychain'], env)).code, 0);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('survives 24 SIGKILLs at random points', async () => {
    // Kill moments fall between the end of start-up (opening the repository, timed by `snapshots`)
    // and the end of a whole backup of this data, timed here: as the engine gets faster, so do they.
    // Other test files share the CPU, so one timing can be long: a run that finishes before its
    // kill moment narrows the window to the time it took, and another trial is made (up to 40).
    let t0 = performance.now();
    const good = lastJson<{ snapshot: string }>(
      await runCli(['backup', join(dir, 'src'), '--json'], env),
    ).snapshot;
    let whole = performance.now() - t0;
    t0 = performance.now();
    await runCli(['snapshots', '--json'], env);
    const startup = Math.min(performance.now() - t0, whole / 2);
    const r = prng(11);
    let killed = 0;
    for (let trial = 0; trial < 40 && killed < 24; trial++) {
      // change some data so each run has new blobs to write
      await writeFile(join(dir, 'src', 'd0', `new${trial}`), randomBytesFrom(r, 2_000_000 + trial * 50_000));
      const run = await killedBackup(
        ['backup', join(dir, 'src'), '--force-reread'],
        env,
        Math.floor(startup + r() * 0.9 * Math.max(whole - startup, 1)),
      );
      if (run.killed) killed++;
      else whole = Math.max(startup * 1.2, Math.min(whole, run.ms));
    }
    assert.ok(killed >= 20, `only ${killed} runs were killed mid-way`);

    const chk = await runCli(['check', '--read-data-subset', '100%', '--json'], env);
    assert.equal(chk.code, 0, chk.stdout + chk.stderr);
    const report = lastJson<{ ok: boolean; orphanPacks: number }>(chk);
    assert.equal(report.ok, true);

    // every snapshot that became visible restores completely
    const snaps = lastJson<{ id: string }[]>(await runCli(['snapshots', '--json'], env));
    assert.ok(snaps.some((s) => s.id === good));
    for (const s of snaps) {
      const t = join(dir, `restore-${s.id.slice(0, 8)}`);
      const res = await runCli(['restore', s.id, '--target', t], env);
      assert.equal(res.code, 0, res.stderr);
    }
    const first = join(
      dir,
      `restore-${good.slice(0, 8)}`,
      'files',
      ...dir.split('/').filter(Boolean),
      'src',
      'd1',
    );
    assert.deepEqual(await describeTree(first), await describeTree(join(dir, 'src', 'd1')));

    // the next backup succeeds (stale locks of killed processes do not block it)
    const next = await runCli(['backup', join(dir, 'src'), '--json'], env);
    assert.equal(next.code, 0, next.stderr);

    // prune removes the orphans the killed runs left
    const pr = await runCli(['prune', '--json'], env);
    assert.equal(pr.code, 0, pr.stderr);
    const after = lastJson<{ ok: boolean; orphanPacks: number }>(await runCli(['check', '--json'], env));
    assert.equal(after.ok, true);
    assert.equal(after.orphanPacks, 0);
  });
});
