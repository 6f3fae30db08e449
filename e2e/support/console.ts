/**
 * Starts the real console for a browser test: `node bin/mvono-backup.js serve --port 0` with a fresh
 * MVONO_HOME (catalog, local repository and config live there), reads the printed
 * `http://127.0.0.1:<port>/#token=<token>` line, and stops it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningConsole {
  /** Full URL with the token fragment. */
  url: string;
  origin: string;
  home: string;
  output: () => string;
  stop(): Promise<void>;
}

const URL_RE = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/;

export async function startConsole(
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunningConsole> {
  const home = mkdtempSync(join(tmpdir(), 'mvono-e2e-'));
  const args = [join(ROOT, 'bin/mvono-backup.js'), 'serve', '--port', '0'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, MVONO_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`console did not print its URL within ${opts.timeoutMs ?? 20000} ms:\n${out}`)),
      opts.timeoutMs ?? 20000,
    );
    const check = () => {
      const m = URL_RE.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`console exited (${code}) before printing its URL:\n${out}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    home,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
