/**
 * `mvono-backup serve` as a real process: prints one URL line with the launch token, answers /rpc
 * with the token and refuses without it, and exits cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempHome } from './support.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const home = tempHome('mvono-serve-');
let child: ChildProcess;
let stdout = '';
let url: URL;
let token = '';

before(async () => {
  child = spawn(process.execPath, ['bin/mvono-backup.js', 'serve', '--port', '0', '--home', home], {
    cwd: ROOT,
    env: { ...process.env, MVONO_HOME: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL within 20 s: ${stdout} ${stderr}`)), 20_000);
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
      const m = /^Mvono Backup Console: (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)\n/.exec(stdout);
      if (m?.[1]) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
  url = new URL(line);
  token = url.hash.replace('#token=', '');
});

after(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

const rpc = (headers: Record<string, string>) =>
  fetch(new URL('/rpc', url.origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ method: 'auth.status', input: {} }),
  });

test('serve answers /rpc with the launch token', async () => {
  const res = await rpc({ 'X-Mvono-Token': token });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { ok: boolean; data: { setupRequired: boolean } };
  assert.deepEqual(body, { ok: true, data: { setupRequired: true } });
});

test('serve refuses /rpc without the token or with a wrong one', async () => {
  const cases: Record<string, string>[] = [{}, { 'X-Mvono-Token': `${token.slice(0, -2)}xx` }];
  for (const h of cases) {
    const res = await rpc(h);
    assert.ok(res.status === 401 || res.status === 403, `status ${res.status}`);
    const body = (await res.json()) as { ok: boolean };
    assert.equal(body.ok, false);
  }
});

test('serve prints exactly one line on stdout and exits 0 on SIGTERM', async () => {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(stdout.trim().split('\n').length, 1);
});
