// Tool adapters for the side-by-side benchmark. Each adapter knows how to init a repository, back up
// a directory, restore the latest snapshot and measure its repository. Every command runs under
// /usr/bin/time so peak RSS (max resident set, KiB) is measured for the tool's own process.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { duBytes } from './dataset.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MVONO_BIN = join(ROOT, 'bin/mvono-backup.js');
const TIME = '/usr/bin/time';

/** CPU seconds the whole machine has spent busy so far (/proc/stat: all but idle and iowait). */
function machineBusySec() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return null;
  }
}

/**
 * Runs a command under /usr/bin/time; resolves { code, stdout, stderr, wallMs, peakRssKiB,
 * cpuSec, machineCpuSec }: cpuSec is the command's own CPU (user + system, with the children it
 * waited for), machineCpuSec what the whole machine spent meanwhile (a database server included).
 * Throws with the command's stderr tail when it exits with a code not in `okCodes`.
 */
export async function measure(cmd, args, { env = {}, cwd = ROOT, okCodes = [0], label = cmd } = {}) {
  const timeFile = join(ROOT, 'bench/.work', `time-${process.pid}-${Date.now()}.txt`);
  await mkdir(join(ROOT, 'bench/.work'), { recursive: true });
  const useTime = existsSync(TIME);
  const argv = useTime ? ['-f', '%U %S %M', '-o', timeFile, cmd, ...args] : args;
  const busy0 = machineBusySec();
  const t0 = performance.now();
  const child = spawn(useTime ? TIME : cmd, argv, { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.length > 1 << 24) stdout = stdout.slice(-(1 << 20)); // keep the tail (summaries are last)
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 16));
  });
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  const wallMs = performance.now() - t0;
  const busy1 = machineBusySec();
  const machineCpuSec = busy0 === null || busy1 === null ? null : busy1 - busy0;
  let peakRssKiB = null;
  let cpuSec = null;
  if (useTime && existsSync(timeFile)) {
    const lines = (await readFile(timeFile, 'utf8')).trim().split('\n');
    const [u, sys, rss] = (lines.at(-1) ?? '').split(' ').map(Number);
    peakRssKiB = rss || null;
    cpuSec = Number.isFinite(u + sys) ? u + sys : null;
    await rm(timeFile, { force: true });
  }
  if (!okCodes.includes(code)) {
    throw new Error(`${label} exited with ${code}:\n${stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
  return { code, stdout, stderr, wallMs, peakRssKiB, cpuSec, machineCpuSec };
}

/** The last line of stdout that parses as JSON and satisfies `pred`. */
export function lastJson(stdout, pred = () => true) {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      const j = JSON.parse(l);
      if (pred(j)) return j;
    } catch {
      // progress lines and non-JSON output are skipped
    }
  }
  return null;
}

/** restic (Debian 0.14) on a local directory repository; a fresh cache dir under the work dir. */
export function resticLocal(work) {
  const repo = join(work, 'restic-repo');
  const env = {
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: 'bench-password',
    RESTIC_CACHE_DIR: join(work, 'restic-cache'),
  };
  return resticTool({
    name: 'restic',
    env,
    stateDirs: [repo, env.RESTIC_CACHE_DIR],
    repoSize: () => duBytes(repo),
    reset: () => rmAll(repo, env.RESTIC_CACHE_DIR),
  });
}

/** Shared restic adapter (local directory repository). */
export function resticTool({ name, env, repoSize, reset, stateDirs = [] }) {
  return {
    name,
    stateDirs,
    async check() {
      const v = await measure('restic', ['version'], { env, label: 'restic version' });
      return v.stdout.trim();
    },
    reset,
    init: () => measure('restic', ['init'], { env, label: 'restic init' }),
    async backup(path) {
      // exit code 3: some files could not be read (still a snapshot); treated as success but noted
      const r = await measure('restic', ['backup', '--json', path], {
        env,
        okCodes: [0, 3],
        label: 'restic backup',
      });
      const s = lastJson(r.stdout, (j) => j.message_type === 'summary');
      return { ...r, snapshot: s?.snapshot_id ?? null, addedBytes: s?.data_added ?? null, summary: s };
    },
    restore: (target) =>
      measure('restic', ['restore', 'latest', '--target', target], { env, label: 'restic restore' }),
    repoSize,
  };
}

/** The lead's CLI on a local repository. Fails early with a clear message if it is not there. */
export function mvonoLocal(work) {
  const repo = join(work, 'mvono-repo');
  const env = { MVONO_BACKUP_REPO: repo, MVONO_BACKUP_PASSWORD: 'bench-password' };
  const extra = (process.env.BENCH_MVONO_ARGS ?? '--no-keychain').split(' ').filter(Boolean);
  const run = (args, label, okCodes = [0]) =>
    measure(process.execPath, [MVONO_BIN, ...args, ...extra], { env, label, okCodes });
  return {
    name: 'mvono',
    stateDirs: [repo],
    async check() {
      if (!existsSync(MVONO_BIN)) {
        throw new Error(
          `${MVONO_BIN} is missing: the mvono CLI is not written yet. Run with --only restic, or build the CLI.`,
        );
      }
      const v = await run(['--version'], 'mvono-backup --version').catch((e) => {
        throw new Error(`mvono-backup does not start (is it built? run \`npm run build\`):\n${e.message}`);
      });
      return v.stdout.trim();
    },
    reset: () => rmAll(repo),
    init: () => run(['init'], 'mvono-backup init'),
    async backup(path) {
      // exit code 3 = finished with warnings (some items skipped)
      const r = await run(['backup', path, '--json'], 'mvono-backup backup', [0, 3]);
      const s = lastJson(r.stdout);
      if (!s)
        throw new Error(`mvono-backup backup printed no JSON summary; stdout tail:\n${r.stdout.slice(-500)}`);
      const snapshot = s.snapshot?.id ?? s.snapshot ?? s.id ?? null;
      return { ...r, snapshot, addedBytes: s.summary?.addedBytes ?? null, summary: s };
    },
    restore: (target) => run(['restore', 'latest', '--target', target], 'mvono-backup restore'),
    repoSize: () => duBytes(repo),
  };
}

async function rmAll(...dirs) {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}

/**
 * Reads every file under `dirs` once (and discards it), so the page cache holds them. This VM
 * reclaims cold pages in the background (DAMON), so data written a minute ago may have to come
 * from disk again, and only for whichever tool happens to run first; warming each tool's input
 * right before its run gives every tool the same warm start. Not timed.
 */
export async function warm(dirs) {
  const buf = Buffer.allocUnsafe(1 << 20);
  const read = (p) => {
    const fd = openSync(p, 'r');
    try {
      while (readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  };
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const e of await readdir(d, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) read(join(e.parentPath ?? e.path, e.name));
    }
  }
}
