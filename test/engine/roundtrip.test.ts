import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastJson, runCli } from '../support/cli.js';
import { describeTree, makeAwkwardTree } from '../support/fs-tree.js';

describe('backup and restore through the CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-rt-'));
    env = { MVONO_BACKUP_REPO: join(dir, 'repo'), MVONO_BACKUP_PASSWORD: 'correct horse' };
    await makeAwkwardTree(join(dir, 'src'));
    const init = await runCli(['init', '--no-keychain', '--json'], env);
    assert.equal(init.code, 0, init.stderr);
    assert.match(lastJson<{ recoveryKey: string }>(init).recoveryKey, /^([0-9A-Z]{4}-){13}[0-9A-Z]+$/);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('restores contents, modes, mtimes, symlinks, empty dirs/files and odd names exactly', async () => {
    const b = await runCli(['backup', join(dir, 'src'), '--name', 'awkward', '--tag', 't1', '--json'], env);
    assert.equal(b.code, 0, b.stderr);
    const snap = lastJson<{ snapshot: string }>(b).snapshot;
    const r = await runCli(['restore', snap.slice(0, 8), '--target', join(dir, 'out')], env);
    assert.equal(r.code, 0, r.stderr);
    const restoredRoot = join(dir, 'out', 'files', ...join(dir, 'src').split('/').filter(Boolean));
    assert.deepEqual(await describeTree(restoredRoot), await describeTree(join(dir, 'src')));
  });

  it('restores only what --include selects', async () => {
    const r = await runCli(
      ['restore', 'latest', '--target', join(dir, 'part'), '--include', `files${dir}/src/docs/nested/**`],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const root = join(dir, 'part', 'files', ...dir.split('/').filter(Boolean), 'src');
    const got = (await describeTree(root)).map((e) => e.path);
    assert.deepEqual(got, [
      'docs',
      'docs/nested',
      'docs/nested/deeper',
      'docs/nested/deeper/data.bin',
      'docs/nested/log.txt',
    ]);
  });

  it('lists, diffs and reports stats', async () => {
    const ls = await runCli(['ls', 'latest', '--json'], env);
    assert.equal(ls.code, 0, ls.stderr);
    const paths = lastJson<{ path: string }[]>(ls).map((e) => e.path);
    assert.ok(paths.some((p) => p.endsWith('/Ripoti ya Mwaka — 2026 ☕.txt')));
    const snaps = lastJson<{ id: string; name?: string; tags: string[] }[]>(
      await runCli(['snapshots', '--json'], env),
    );
    assert.equal(snaps[0]?.name, 'awkward');
    assert.deepEqual(snaps[0]?.tags, ['t1']);
    const d = await runCli(['diff', snaps[0]!.id, 'latest', '--json'], env);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(lastJson(d), []);
  });

  it('refuses to restore into a non-empty directory without --overwrite', async () => {
    const r = await runCli(['restore', 'latest', '--target', join(dir, 'out')], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is not empty/);
    assert.match(r.stderr, /--overwrite/);
  });

  it('rejects bad usage with exit code 2 and a message', async () => {
    const r = await runCli(['backup'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Nothing to back up/);
    const u = await runCli(['frobnicate'], env);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown command/);
  });
});
