import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backup } from '../../src/main/engine/backup/backup.js';
import { check } from '../../src/main/engine/check/check.js';
import { forget } from '../../src/main/engine/forget/forget.js';
import { prune } from '../../src/main/engine/prune/prune.js';
import { FakeClock } from '../../src/main/platform/clock.js';
import { sealJson } from '../../src/main/repo/objects.js';
import { BIN, lastJson, runCli } from '../support/cli.js';
import { prng, randomBytesFrom } from '../support/fs-tree.js';
import { initRepo, openRepo } from '../support/repo.js';

describe('locks', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-locks-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'pw' };
    const r = prng(9);
    for (const d of ['a', 'b']) {
      await mkdir(join(dir, d), { recursive: true });
      for (let i = 0; i < 6; i++) await writeFile(join(dir, d, `f${i}`), randomBytesFrom(r, 1_500_000));
    }
    assert.equal((await runCli(['init', '--no-keychain'], env)).code, 0);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('two backups at the same time both produce valid snapshots', async () => {
    const [x, y] = await Promise.all([
      runCli(['backup', join(dir, 'a'), '--json'], env),
      runCli(['backup', join(dir, 'b'), '--json'], env),
    ]);
    assert.equal(x.code, 0, x.stderr);
    assert.equal(y.code, 0, y.stderr);
    const chk = lastJson<{ ok: boolean; snapshots: number }>(
      await runCli(['check', '--read-data-subset', '100%', '--json'], env),
    );
    assert.equal(chk.ok, true);
    assert.equal(chk.snapshots, 2);
    for (const s of [x, y]) {
      const id = lastJson<{ snapshot: string }>(s).snapshot;
      assert.equal(
        (await runCli(['restore', id, '--target', join(dir, `r-${id.slice(0, 6)}`)], env)).code,
        0,
      );
    }
  });

  it('prune refuses while a backup holds a lock, and names the holder', async () => {
    const repo = await openRepo(join(dir, 'repo'), undefined, 'pw');
    const lock = await repo.lock(false, 'backup nightly');
    try {
      const r = await runCli(['prune'], env);
      assert.equal(r.code, 11, r.stderr);
      assert.match(r.stderr, /locked by a shared lock for "backup nightly"/);
    } finally {
      await lock.release();
    }
    assert.equal((await runCli(['prune'], env)).code, 0);
  });

  it('stale locks (holder gone, or not refreshed for 30 minutes) do not block prune', async () => {
    const repo = await openRepo(join(dir, 'repo'), undefined, 'pw');
    const dead = {
      exclusive: false,
      hostname: 'other-host',
      pid: 1,
      purpose: 'backup',
      time: '2020-01-01T00:00:00.000Z',
    };
    await repo.storage.put(`locks/${'ab'.repeat(32)}`, await sealJson(repo.keys.enc, 'lock', dead));
    const child = spawn('true');
    await new Promise((r) => child.on('close', r));
    const local = {
      exclusive: false,
      hostname: (await import('node:os')).hostname(),
      pid: child.pid!,
      purpose: 'backup',
      time: new Date().toISOString(),
    };
    await repo.storage.put(`locks/${'cd'.repeat(32)}`, await sealJson(repo.keys.enc, 'lock', local));
    const r = await runCli(['prune'], env);
    assert.equal(r.code, 0, r.stderr);
    const u = lastJson<{ locks: unknown[] }>(await runCli(['unlock', '--json'], env));
    assert.equal(u.locks.length, 0, 'prune removed the stale locks');
  });

  it('Ctrl-C cancels a backup cleanly: exit 130 and no snapshot becomes visible', async () => {
    const before = lastJson<unknown[]>(await runCli(['snapshots', '--json'], env)).length;
    const r = prng(1);
    await mkdir(join(dir, 'big'), { recursive: true });
    for (let i = 0; i < 30; i++) await writeFile(join(dir, 'big', `f${i}`), randomBytesFrom(r, 2_000_000));
    const child = spawn(process.execPath, [BIN, 'backup', join(dir, 'big')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // wait until the backup holds its lock (it is running), then press Ctrl-C
    for (let i = 0; i < 200; i++) {
      const locks = await readdir(join(dir, 'repo', 'locks')).catch(() => []);
      if (locks.length > 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await new Promise((res) => setTimeout(res, 200));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => child.on('close', res));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /Cancel/);
    assert.equal(lastJson<unknown[]>(await runCli(['snapshots', '--json'], env)).length, before);
    assert.equal(lastJson<{ ok: boolean }>(await runCli(['check', '--json'], env)).ok, true);
  });
});

describe('retention with an injected clock', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-ret-'));
    await writeFile(join(dir, 'f'), 'x');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("keeps the seed plans' windows exactly: 30 days of dailies, 7 days of 4-hourlies, 12 weeks of weeklies", async () => {
    const clock = new FakeClock('2026-09-01T21:00:00Z'); // 00:00 EAT on 2 Sep
    const repo = await initRepo(join(dir, 'repo'), clock);
    const comp = [{ type: 'files' as const, name: 'files', paths: [join(dir, 'f')] }];
    // 60 daily runs at 00:00 EAT, 4-hourly runs for the last 10 days, weekly runs for 20 weeks
    for (let d = 0; d < 60; d++) {
      clock.set(new Date(Date.UTC(2026, 8, 1, 21) + d * 86_400_000));
      await backup(repo, { components: comp, plan: 'db-full', kind: 'scheduled', parent: null });
    }
    const end = clock.now().getTime();
    for (let h = 0; h < 60; h++) {
      clock.set(new Date(end - 10 * 86_400_000 + h * 4 * 3_600_000 + 60_000));
      await backup(repo, { components: comp, plan: 'db-incr', kind: 'scheduled', parent: null });
    }
    clock.set(new Date(end + 3_600_000));
    const groups = await forget(repo, {
      policy: { keepWithin: '30d' },
      timeZone: 'Africa/Nairobi',
      plan: 'db-full',
    });
    const kept = groups[0]!.decisions.filter((d) => d.keep);
    assert.equal(kept.length, 30);
    assert.ok(kept.every((d) => end + 3_600_000 - new Date(d.snapshot.time).getTime() < 30 * 86_400_000));
    const incr = await forget(repo, {
      policy: { keepWithin: '7d' },
      timeZone: 'Africa/Nairobi',
      plan: 'db-incr',
    });
    const nowMs = end + 3_600_000;
    const inWindow = (t: string) => nowMs - new Date(t).getTime() < 7 * 86_400_000;
    const expected = incr[0]!.decisions.filter((d) => inWindow(d.snapshot.time)).length;
    assert.ok(expected >= 40 && expected <= 42);
    assert.deepEqual(
      incr[0]!.decisions.map((d) => d.keep),
      incr[0]!.decisions.map((d) => inWindow(d.snapshot.time)),
    );
    const remaining = await repo.listSnapshots();
    assert.equal(remaining.filter((s) => s.plan === 'db-full').length, 30);
    assert.equal(remaining.filter((s) => s.plan === 'db-incr').length, expected);
    // weekly complete-system backups, Sunday 02:00 EAT (23:00 UTC Saturday), kept 12 weeks
    const sunday = Date.UTC(2026, 5, 6, 23); // Sat 6 Jun 2026 23:00 UTC = Sun 7 Jun 02:00 EAT
    for (let w = 0; w < 20; w++) {
      clock.set(new Date(sunday + w * 7 * 86_400_000));
      await backup(repo, { components: comp, plan: 'complete', kind: 'scheduled', parent: null });
    }
    clock.set(new Date(sunday + 19 * 7 * 86_400_000 + 3_600_000));
    const weekly = await forget(repo, {
      policy: { keepWithin: '12w' },
      timeZone: 'Africa/Nairobi',
      plan: 'complete',
    });
    assert.equal(weekly[0]!.decisions.filter((d) => d.keep).length, 12);
    await assert.rejects(forget(repo, { policy: {}, timeZone: 'Africa/Nairobi' }), /No retention rule/);
    const pr = await prune(repo);
    assert.equal(pr.dryRun, false);
    assert.equal((await check(repo, { readDataPercent: 100 })).ok, true);
  });
});
