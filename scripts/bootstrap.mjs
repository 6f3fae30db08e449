/**
 * Makes a fresh clone runnable: npm dependencies (Electron's binary download skipped where it
 * cannot be fetched; better-sqlite3 and zstd-napi built from source) and the compiled program. Used by
 * `npm start` and `npm test`, so the README's two commands work on a fresh machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const say = (s) => process.stderr.write(`${s}\n`);

function sh(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    say(`bootstrap: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

export function ensureInstalled() {
  const marker = join(ROOT, 'node_modules/.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('bootstrap: installing npm dependencies (Electron binary download skipped; see README)…');
  sh('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
  sh('npm', ['rebuild', 'better-sqlite3', 'zstd-napi']);
}

export function ensureBuilt({ force = false } = {}) {
  const main = join(ROOT, 'dist/src/main/cli/main.js');
  const ui = join(ROOT, 'dist/renderer/index.html');
  if (!force && existsSync(main) && existsSync(ui)) return;
  say('bootstrap: building…');
  sh('npm', ['run', 'build']);
}
