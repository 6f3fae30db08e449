#!/usr/bin/env node
// Side-by-side benchmark: mvono vs restic on the same generated dataset, in one run.
//   npm run bench                          # scale 1 (~1.2 GB, ~10k files)
//   BENCH_SCALE=0.05 node bench/run.mjs    # quick run; or --scale 0.05
//   node bench/run.mjs --only restic       # one tool (e.g. before the mvono CLI exists)
//   --keep                                 # keep repositories and restores under bench/.work
//   --reps 3                               # repetitions per phase (default 3; medians reported)
// Phases: init, first backup, mutate ~2% of files, second backup, full restore (verified against a
// sha256 manifest of the source), each repeated (see summarize()). The page cache cannot be dropped
// here: each tool's input is read once, untimed, right before its run, so every tool starts warm.
// Tools run one after the other, the order alternating per phase and per repetition (recorded).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { diffManifests, duBytes, generate, manifest, mutate, scaleFromEnv } from './dataset.mjs';
import { mvonoLocal, ROOT, resticLocal, warm } from './tools.mjs';

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? '') : undefined;
};
const only = flag('only');
if (only !== undefined && !['mvono', 'restic'].includes(only)) {
  console.error('--only takes mvono or restic');
  process.exit(2);
}
const scale = flag('scale') !== undefined ? Number(flag('scale')) : scaleFromEnv();
if (!(scale > 0)) {
  console.error('--scale must be a positive number');
  process.exit(2);
}
const keep = args.includes('--keep');
const reps = flag('reps') !== undefined ? Number(flag('reps')) : 3;
if (!(Number.isInteger(reps) && reps >= 1)) {
  console.error('--reps must be a whole number of at least 1');
  process.exit(2);
}
const work = join(ROOT, 'bench/.work');
const dataDir = join(work, 'data');

const all = [mvonoLocal(work), resticLocal(work)];
const tools = all.filter((t) => !only || t.name === only);

const log = (...m) => console.error('[bench]', ...m);
const sync = () => spawnSync('sync');

async function main() {
  const started = new Date();
  const loadavgAtStart = loadavg();
  const versions = {};
  for (const t of tools) {
    try {
      versions[t.name] = await t.check();
    } catch (e) {
      console.error(`bench: ${e.message}`);
      process.exit(1);
    }
  }
  await mkdir(work, { recursive: true });
  log(`scale ${scale}; generating dataset in ${dataDir}`);
  let t0 = performance.now();
  const dataset = await generate(dataDir, scale);
  log(
    `dataset: ${dataset.files} files, ${(dataset.bytes / MiB).toFixed(1)} MiB in ${s(performance.now() - t0)}`,
  );

  const res = Object.fromEntries(tools.map((t) => [t.name, { phases: {}, runs: {}, error: null }]));
  const order = {};
  /**
   * Runs `fn` for each tool, `times` times (the order of the tools alternates between repetitions);
   * `before(rep)` prepares a repetition, `inputs(t)` is warmed into the page cache before each run.
   * A tool's phase result is the median repetition (wall time and peak RSS each by their median).
   */
  const phase = async (name, list, fn, { inputs = () => [], before, times = 1 } = {}) => {
    order[name] = list.map((t) => t.name);
    for (let rep = 0; rep < times; rep++) {
      await before?.(rep);
      for (const t of rep % 2 === 0 ? list : [...list].reverse()) {
        const r = res[t.name];
        if (r.error) continue;
        await warm(inputs(t));
        sync();
        log(`${name}${times > 1 ? ` #${rep + 1}` : ''}: ${t.name} ...`);
        try {
          const p = await fn(t, rep);
          r.runs[name] = [...(r.runs[name] ?? []), p];
          log(`${name}: ${t.name} ${s(p.wallMs)}${p.mibPerSec ? `, ${p.mibPerSec.toFixed(1)} MiB/s` : ''}`);
        } catch (e) {
          r.error = `${name}: ${e.message}`;
          log(`${t.name} failed in ${name}: ${e.message}`);
        }
      }
    }
    for (const t of list) {
      const runs = res[t.name].runs[name];
      if (runs?.length) res[t.name].phases[name] = summarize(runs);
    }
  };
  const timed = (r, bytes) => ({
    wallMs: Math.round(r.wallMs),
    mibPerSec: bytes / MiB / (r.wallMs / 1000),
    peakRssMiB: r.peakRssKiB === null ? null : r.peakRssKiB / 1024,
  });

  await phase('init', tools, async (t) => {
    await t.reset();
    return timed(await t.init(), 0);
  });
  await phase(
    'backup1',
    tools,
    async (t, rep) => {
      if (rep > 0) {
        await t.reset(); // each repetition is a first backup into an empty repository
        await t.init();
        await warm([dataDir]);
      }
      const r = await t.backup(dataDir);
      return {
        ...timed(r, dataset.bytes),
        snapshot: r.snapshot,
        addedBytes: r.addedBytes,
        repo: await t.repoSize(),
      };
    },
    { inputs: () => [dataDir], times: reps },
  );

  let mutation;
  let expected;
  let bytesAfter = 0;
  await phase(
    'backup2',
    [...tools].reverse(),
    async (t) => {
      const r = await t.backup(dataDir);
      return {
        ...timed(r, bytesAfter),
        snapshot: r.snapshot,
        addedBytes: r.addedBytes,
        repo: await t.repoSize(),
      };
    },
    {
      inputs: (t) => [dataDir, ...t.stateDirs],
      times: reps,
      // each repetition backs up another ~2% of changed files
      before: async (rep) => {
        t0 = performance.now();
        mutation = await mutate(dataDir, 2, rep + 1);
        log(`mutated: ${JSON.stringify(mutation)} in ${s(performance.now() - t0)}`);
        bytesAfter = (await duBytes(dataDir)).apparent;
      },
    },
  );
  expected = await manifest(dataDir);
  await phase(
    'restore',
    tools,
    async (t) => {
      const target = join(work, `restore-${t.name}`);
      await rm(target, { recursive: true, force: true });
      const r = await t.restore(target);
      const root = restoredRoot(target, expected);
      const diffs = root
        ? diffManifests(expected, await manifest(root))
        : ['restored data not found under target'];
      if (!keep) await rm(target, { recursive: true, force: true });
      return {
        ...timed(r, bytesAfter),
        verified: diffs.length === 0,
        differences: diffs.length,
        firstDifferences: diffs.slice(0, 10),
      };
    },
    { inputs: (t) => t.stateDirs, times: reps },
  );
  if (!keep) for (const t of tools) await t.reset();

  const ratios = computeRatios(res);
  const report = {
    date: started.toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memGiB: +(totalmem() / 2 ** 30).toFixed(1),
      loadavgAtStart,
      loadavgAtEnd: loadavg(),
      node: process.version,
    },
    versions,
    scale,
    dataset: { ...dataset, bytesAfterMutation: bytesAfter, lastMutation: mutation },
    repetitions: reps,
    notes: [
      "Page cache not dropped; before each tool's run its input (the dataset; for backup 2 also its repository and cache; for restore its repository) is read once, untimed, so every tool starts warm (this VM reclaims cold pages in the background).",
      'Tools run sequentially; order per phase is in `order` (first repetition; it alternates between repetitions).',
      'Each phase runs `repetitions` times per tool; a phase result is the median (wall time and peak RSS each by their median); every run is in `results.<tool>.runs`. Backup 1 repeats into an empty repository; backup 2 repeats after another ~2% of files changed; restore repeats the latest snapshot.',
      'MiB/s = source dataset bytes / wall time (backup2: whole dataset, although unchanged files are skipped).',
      'Peak RSS = max resident set of the tool process from /usr/bin/time -f %M.',
      'Repository size from st_blocks (disk) and st_size (apparent).',
      'restic 0.14 uses repository format 2 with compression auto (zstd) by default.',
    ],
    order,
    results: res,
    ratios,
  };
  printTable(res, ratios);
  const outDir = join(ROOT, 'bench/results');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`results written to ${file}`);
  const failed = Object.entries(res).filter(([, r]) => r.error || r.phases.restore?.verified === false);
  if (failed.length) {
    for (const [n, r] of failed)
      console.error(`bench: ${n}: ${r.error ?? 'restore differs from the source'}`);
    process.exitCode = 1;
  }
}

/** The median run of a phase: wall time and peak RSS each by their own median, the rest from the last run. */
function summarize(runs) {
  const median = (xs) => {
    const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
    return v.length === 0 ? null : v[(v.length - 1) >> 1];
  };
  const last = runs.at(-1);
  const wallMs = median(runs.map((r) => r.wallMs));
  const byWall = runs.find((r) => r.wallMs === wallMs) ?? last;
  return {
    ...last,
    wallMs,
    mibPerSec: byWall.mibPerSec,
    peakRssMiB: median(runs.map((r) => r.peakRssMiB)),
    ...('verified' in last ? { verified: runs.every((r) => r.verified) } : {}),
  };
}

/** Where the dataset landed under a restore target (restic keeps the absolute path; mvono puts it
 * below the component name, e.g. files/<absolute path>). */
function restoredRoot(target, expected) {
  const probe = expected.keys().next().value;
  const candidates = [join(target, dataDir), join(target, 'files', dataDir), target];
  return candidates.find((c) => probe !== undefined && existsSync(join(c, probe))) ?? null;
}

const METRICS = [
  ['backup1', 'wallMs', 'backup 1 wall (s)', (v) => v / 1000],
  ['backup1', 'mibPerSec', 'backup 1 MiB/s'],
  ['backup1', 'peakRssMiB', 'backup 1 peak RSS (MiB)'],
  ['backup1', 'repoDisk', 'repo after backup 1 (MiB)', (v) => v / MiB],
  ['backup2', 'wallMs', 'backup 2 wall (s)', (v) => v / 1000],
  ['backup2', 'mibPerSec', 'backup 2 MiB/s (whole dataset)'],
  ['backup2', 'peakRssMiB', 'backup 2 peak RSS (MiB)'],
  ['backup2', 'addedMiB', 'backup 2 added (MiB)', (v) => v / MiB],
  ['backup2', 'repoDisk', 'repo after backup 2 (MiB)', (v) => v / MiB],
  ['restore', 'wallMs', 'restore wall (s)', (v) => v / 1000],
  ['restore', 'mibPerSec', 'restore MiB/s'],
  ['restore', 'peakRssMiB', 'restore peak RSS (MiB)'],
  ['restore', 'verified', 'restore byte-identical'],
];

function value(r, phase, key) {
  const p = r?.phases[phase];
  if (!p) return null;
  if (key === 'repoDisk') return p.repo?.disk ?? null;
  if (key === 'addedMiB') return p.addedBytes ?? null;
  return p[key] ?? null;
}

function computeRatios(res) {
  const out = {};
  for (const [phase, key, label] of METRICS) {
    const a = value(res.mvono, phase, key);
    const b = value(res.restic, phase, key);
    if (typeof a === 'number' && typeof b === 'number' && b !== 0) out[label] = +(a / b).toFixed(3);
  }
  return out;
}

function printTable(res, ratios) {
  const names = Object.keys(res);
  const fmt = (v, f) => {
    if (v === null || v === undefined) return '-';
    if (typeof v === 'boolean') return v ? 'yes' : 'NO';
    const x = f ? f(v) : v;
    return x >= 100 ? x.toFixed(0) : x.toFixed(2);
  };
  const rows = METRICS.map(([phase, key, label, f]) => [
    label,
    ...names.map((n) => fmt(value(res[n], phase, key), f)),
    ratios[label] === undefined ? '' : ratios[label].toFixed(2),
  ]);
  const head = ['metric', ...names, names.length > 1 ? 'mvono/restic' : ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const n of names) if (res[n].error) console.log(`${n}: ERROR ${res[n].error}`);
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

await main();
