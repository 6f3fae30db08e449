/**
 * scrypt for passphrase slots (crypto/slots/scrypt.ts): the key from the huge-page child process
 * equals the in-process key and RFC 7914's test vector; a child that cannot start gives way to the
 * in-process derivation; a child started ahead of need is used, and one never used does not keep
 * its parent alive. The entry point starts the child only for repository commands with a passphrase.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  derivePassphraseSlots,
  needsPassphraseKdf,
  REPOSITORY_COMMANDS,
  startEarly,
} from '../../src/main/cli/early.js';
import {
  deriveScrypt,
  prestartScryptChild,
  scryptInChild,
  scryptInProcess,
} from '../../src/main/crypto/slots/scrypt.js';
import { runCli } from '../support/cli.js';

// RFC 7914 section 12, second vector (first 32 bytes of the 64-byte output).
const RFC = { pass: 'password', salt: Buffer.from('NaCl'), cost: { N: 1024, r: 8, p: 16 } };
const RFC_KEY = 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162';

describe('scrypt key derivation', () => {
  it('the child process, the in-process derivation and RFC 7914 agree', async () => {
    const child = await scryptInChild(RFC.pass, RFC.salt, RFC.cost);
    assert.ok(child, 'the child process ran');
    assert.equal(child.toString('hex'), RFC_KEY);
    assert.equal((await scryptInProcess(RFC.pass, RFC.salt, RFC.cost)).toString('hex'), RFC_KEY);
    assert.equal((await deriveScrypt(RFC.pass, RFC.salt, RFC.cost)).toString('hex'), RFC_KEY);
    // Non-ASCII passphrases are normalised (NFC) the same way on both paths.
    const salt = Buffer.alloc(16, 7);
    const cost = { N: 1024, r: 8, p: 1 };
    const composed = await scryptInProcess('caf\u00e9', salt, cost);
    assert.deepEqual(await scryptInChild('cafe\u0301', salt, cost), composed);
  });

  it('a child that cannot start gives undefined, and the key is then derived in-process', async () => {
    assert.equal(
      await scryptInChild('x', Buffer.alloc(16), { N: 1024, r: 8, p: 1 }, '/nonexistent/node'),
      undefined,
    );
  });

  it('a prestarted child is used; an unused one does not keep its parent alive', async () => {
    prestartScryptChild();
    assert.equal((await deriveScrypt(RFC.pass, RFC.salt, RFC.cost)).toString('hex'), RFC_KEY);
    const url = new URL('../../src/main/crypto/slots/scrypt.js', import.meta.url).href;
    const code = await new Promise<number | null>((resolve) => {
      const p = spawn(
        process.execPath,
        ['--input-type=module', '-e', `(await import(${JSON.stringify(url)})).prestartScryptChild();`],
        {
          stdio: 'ignore',
        },
      );
      p.on('close', resolve);
    });
    assert.equal(code, 0, 'the parent exited on its own');
  });

  it('the entry point starts it only for repository commands with a passphrase', async () => {
    const pass = { MVONO_BACKUP_PASSWORD: 'p' };
    assert.equal(needsPassphraseKdf(['backup', '/srv'], pass), true);
    assert.equal(needsPassphraseKdf(['snapshots', '--password-file', '/k'], {}), true);
    assert.equal(needsPassphraseKdf(['snapshots', '--password-file=/k'], {}), true);
    assert.equal(needsPassphraseKdf(['snapshots'], {}), false, 'keychain only: no scrypt');
    assert.equal(needsPassphraseKdf(['serve'], pass), false);
    assert.equal(needsPassphraseKdf(['backup', '--help'], pass), false);
    assert.equal(needsPassphraseKdf([], pass), false);
    const help = await runCli(['--help']);
    for (const c of REPOSITORY_COMMANDS)
      assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'), `${c} is a command`);
  });

  it("the entry point starts the KDF of a local repository's passphrase slot; the unlock takes that result", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mvono-early-'));
    try {
      const repo = join(dir, 'repo');
      const env = { MVONO_BACKUP_PASSWORD: 'early bird', MVONO_BACKUP_REPO: repo };
      const init = await runCli(['init', '--no-keychain', '-q'], env);
      assert.equal(init.code, 0, init.stderr);
      const started = derivePassphraseSlots(['snapshots'], env);
      assert.equal(started.length, 1, 'one passphrase slot');
      // The passphrase slot (init also makes a recovery-key slot).
      const records = await Promise.all(
        (await readdir(join(repo, 'keys'))).map(async (n) =>
          JSON.parse(await readFile(join(repo, 'keys', n), 'utf8')),
        ),
      );
      const slot = records.find((r) => r.type === 'passphrase');
      const p = slot.params;
      const again = deriveScrypt('early bird', Buffer.from(p.salt, 'base64'), { N: p.N, r: p.r, p: p.p });
      assert.equal(again, started[0], 'the same input gets the derivation already started');
      assert.equal((await again).length, 32);
      const third = deriveScrypt('early bird', Buffer.from(p.salt, 'base64'), { N: p.N, r: p.r, p: p.p });
      assert.notEqual(third, again, 'taken once, it is forgotten');
      await third;
      // The command line's own spelling of the options is read the same way.
      assert.equal(derivePassphraseSlots(['ls', `--repo=${repo}`], { MVONO_BACKUP_PASSWORD: 'x' }).length, 1);
      // No repository there: the entry point leaves it to the command, which reports it.
      const missing = { ...env, MVONO_BACKUP_REPO: join(dir, 'none') };
      assert.throws(() => derivePassphraseSlots(['snapshots'], missing), { code: 'ENOENT' });
      assert.doesNotThrow(() => startEarly(['snapshots'], missing));
      const r = await runCli(['snapshots', '--no-keychain'], missing);
      assert.notEqual(r.code, 0);
      const ok = await runCli(['snapshots', '--no-keychain', '--json'], env);
      assert.equal(ok.code, 0, ok.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
