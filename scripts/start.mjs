#!/usr/bin/env node
/**
 * `npm start`: the desktop console when the Electron binary is installed; otherwise the same console
 * in a browser through `mvono-backup serve` (Electron's binary cannot be downloaded on every machine).
 * On a headless Linux without a D-Bus session keychain, runs under scripts/with-keyring.sh with a
 * persistent keyring in MVONO_HOME/keyring (MVONO_KEYRING_DIR).
 * Never triggers a download: the Electron path is read from node_modules/electron/path.txt.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ensureInstalled } from './bootstrap.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const say = (s) => process.stderr.write(`${s}\n`);

function defaultHome(env = process.env) {
  if (env.MVONO_HOME) return resolve(env.MVONO_HOME);
  if (process.platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'mvono-backup');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'mvono-backup');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'mvono-backup');
}

function electronBinary() {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const file = join(dir, 'path.txt');
    if (!existsSync(file)) return undefined;
    const exe = readFileSync(file, 'utf8').trim();
    const full = process.env.ELECTRON_OVERRIDE_DIST_PATH
      ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, exe)
      : join(dir, 'dist', exe);
    return existsSync(full) ? full : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd, args, env, onStdout) {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env,
    stdio: ['inherit', onStdout ? 'pipe' : 'inherit', 'inherit'],
  });
  if (onStdout) child.stdout.on('data', onStdout);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

ensureInstalled();
ensureBuilt();
const home = defaultHome();
const env = { ...process.env, MVONO_HOME: home };
const electron = electronBinary();
if (electron) {
  run(electron, [join(ROOT, 'dist/src/main/app/electron-main.js')], env);
} else {
  say(
    'The Electron binary is not installed on this machine (node_modules/electron has no downloaded binary),',
  );
  say(
    'so the desktop window cannot open. Starting the same console in your browser instead (mvono-backup serve).',
  );
  let cmd = process.execPath;
  let args = [join(ROOT, 'bin/mvono-backup.js'), 'serve', '--home', home];
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    const keyring = process.env.MVONO_KEYRING_DIR || join(home, 'keyring');
    mkdirSync(keyring, { recursive: true, mode: 0o700 });
    env.MVONO_KEYRING_DIR = keyring;
    say(
      `No desktop keychain (D-Bus session) here: using a gnome-keyring kept in ${keyring} (scripts/with-keyring.sh).`,
    );
    args = [cmd, ...args];
    cmd = join(ROOT, 'scripts/with-keyring.sh');
  }
  let buf = '';
  run(cmd, args, env, (chunk) => {
    buf += chunk.toString();
    const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(buf);
    if (m) {
      process.stdout.write(`Open this address in a browser on this machine: ${m[1]}\n`);
      buf = '';
    }
  });
}
