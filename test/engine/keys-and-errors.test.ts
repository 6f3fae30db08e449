/** Opening a repository: keychain (the embedded default), passphrase, recovery key, and the errors. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Entry } from '@napi-rs/keyring';
import { lastJson, runCli } from '../support/cli.js';

async function listing(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map(String).sort();
}

describe('keys and opening errors', () => {
  let dir: string;
  let repo: string;
  let recoveryKey: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mvono-keys-'));
    repo = join(dir, 'repo');
    await writeFile(join(dir, 'file.txt'), 'payload\n');
    // keychain slot (default) + passphrase + recovery
    const init = await runCli(['init', '--json'], { MVONO_BACKUP_REPO: repo, MVONO_BACKUP_PASSWORD: 'pw' });
    assert.equal(init.code, 0, init.stderr);
    recoveryKey = lastJson<{ recoveryKey: string }>(init).recoveryKey;
    assert.equal(
      (
        await runCli(['backup', join(dir, 'file.txt')], {
          MVONO_BACKUP_REPO: repo,
          MVONO_BACKUP_PASSWORD: 'pw',
        })
      ).code,
      0,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('opens with the OS keychain alone (no passphrase given)', async () => {
    const r = await runCli(['snapshots', '--json'], { MVONO_BACKUP_REPO: repo, MVONO_BACKUP_PASSWORD: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastJson<unknown[]>(r).length, 1);
  });

  it("lists snapshot times in the plans' zone (EAT unless set), in another on request, and names an unknown zone", async () => {
    const env = { MVONO_BACKUP_REPO: repo, MVONO_BACKUP_PASSWORD: '' };
    const [snap] = lastJson<{ id: string; time: string }[]>(await runCli(['snapshots', '--json'], env));
    assert.ok(snap);
    // EAT is UTC+3 all year (no daylight saving).
    const wall = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
    const at = Date.parse(snap.time);
    const row = (out: string) => out.split('\n').find((l) => l.startsWith(snap.id.slice(0, 8))) ?? '';
    const eat = await runCli(['snapshots'], env);
    assert.equal(eat.code, 0, eat.stderr);
    assert.ok(row(eat.stdout).includes(`${wall(at + 3 * 3600_000)} EAT (UTC+03:00)`), eat.stdout);
    const utc = await runCli(['snapshots', '--time-zone', 'UTC'], env);
    assert.ok(row(utc.stdout).includes(`${wall(at)} UTC (UTC+00:00)`), utc.stdout);
    const bad = await runCli(['snapshots', '--time-zone', 'Mars/Base'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown time zone "Mars\/Base"/);
  });

  it('opens with the printed recovery key alone', async () => {
    await writeFile(join(dir, 'rk.txt'), `${recoveryKey.toLowerCase()}\n`);
    const r = await runCli(
      ['snapshots', '--no-keychain', '--recovery-key-file', join(dir, 'rk.txt'), '--json'],
      {
        MVONO_BACKUP_REPO: repo,
        MVONO_BACKUP_PASSWORD: '',
      },
    );
    assert.equal(r.code, 0, r.stderr);
  });

  it('a wrong passphrase is a clear error with exit 12 and writes nothing', async () => {
    const before = await listing(repo);
    const r = await runCli(['backup', join(dir, 'file.txt'), '--no-keychain'], {
      MVONO_BACKUP_REPO: repo,
      MVONO_BACKUP_PASSWORD: 'nope',
    });
    assert.equal(r.code, 12);
    assert.match(r.stderr, /None of the given keys opens this repository/);
    assert.doesNotMatch(r.stderr, /nope/);
    assert.deepEqual(await listing(repo), before);
  });

  it('a missing keychain entry says which entry and what to do instead', async () => {
    const slots = lastJson<{ type: string; params: { entry?: string } }[]>(
      await runCli(['key', 'list', '--json'], { MVONO_BACKUP_REPO: repo, MVONO_BACKUP_PASSWORD: 'pw' }),
    );
    const entry = slots.find((s) => s.type === 'keychain')!.params.entry!;
    const saved = new Entry('mvono-backup', entry).getPassword()!;
    new Entry('mvono-backup', entry).deletePassword();
    try {
      const r = await runCli(['snapshots'], { MVONO_BACKUP_REPO: repo, MVONO_BACKUP_PASSWORD: '' });
      assert.equal(r.code, 12);
      assert.match(r.stderr, /keychain has no entry/);
      assert.match(r.stderr, /recovery/);
    } finally {
      new Entry('mvono-backup', entry).setPassword(saved);
    }
  });

  it('no keychain service at all is reported as such, not as a wrong key', async () => {
    const r = await runCli(['snapshots'], {
      MVONO_BACKUP_REPO: repo,
      MVONO_BACKUP_PASSWORD: '',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    });
    assert.equal(r.code, 12);
    assert.match(r.stderr, /OS keychain is not available/);
  });

  it('a repository of a newer format is refused and left untouched', async () => {
    const cfgPath = join(repo, 'config');
    const original = await readFile(cfgPath);
    const cfg = JSON.parse(original.toString());
    await writeFile(cfgPath, JSON.stringify({ ...cfg, version: 2 }));
    try {
      const before = await listing(repo);
      const r = await runCli(['backup', join(dir, 'file.txt')], {
        MVONO_BACKUP_REPO: repo,
        MVONO_BACKUP_PASSWORD: 'pw',
      });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /format version 2; this program reads up to version 1/);
      assert.deepEqual(await listing(repo), before);
    } finally {
      await writeFile(cfgPath, original);
    }
  });

  it('a missing repository says how to create one (exit 1)', async () => {
    const r = await runCli(['snapshots'], {
      MVONO_BACKUP_REPO: join(dir, 'nowhere'),
      MVONO_BACKUP_PASSWORD: 'pw',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /There is no repository at .*nowhere/);
    assert.match(r.stderr, /mvono-backup init/);
  });

  it('key add / remove: a new passphrase works, the last slot cannot be removed', async () => {
    await writeFile(join(dir, 'new-pw'), 'second passphrase\n');
    const env = { MVONO_BACKUP_REPO: repo, MVONO_BACKUP_PASSWORD: 'pw' };
    assert.equal((await runCli(['key', 'add', '--new-password-file', join(dir, 'new-pw')], env)).code, 0);
    const r = await runCli(['snapshots', '--no-keychain'], {
      MVONO_BACKUP_REPO: repo,
      MVONO_BACKUP_PASSWORD: 'second passphrase',
    });
    assert.equal(r.code, 0, r.stderr);
    const slots = lastJson<{ id: string; type: string }[]>(await runCli(['key', 'list', '--json'], env));
    assert.equal(slots.filter((s) => s.type === 'passphrase').length, 2);
    const old = slots.find((s) => s.type === 'passphrase')!;
    assert.equal((await runCli(['key', 'remove', old.id], env)).code, 0);
    const gone = await runCli(['snapshots', '--no-keychain'], env);
    assert.equal(gone.code, 12);
  });
});
