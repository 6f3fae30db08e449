#!/usr/bin/env node
// Cross-check of engine/forget/policy.ts against the real `restic forget` (0.14): the same snapshot
// times (made with `restic backup --time`, TZ=Africa/Nairobi), the same policies, compared kept
// sets and reasons. keepWithin* is measured from the newest snapshot here, as restic does (the
// product passes `now`). Needs the compiled policy:
//   npx tsc -p tsconfig.json && node bench/retention-vs-restic.mjs
//   (BENCH_POLICY_MODULE=/path/to/policy.js picks another build)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rng } from './dataset.mjs';
import { ROOT } from './tools.mjs';

const modPath = process.env.BENCH_POLICY_MODULE ?? join(ROOT, 'dist/src/main/engine/forget/policy.js');
if (!existsSync(modPath)) {
  console.error(`${modPath} is missing: build first (npx tsc -p tsconfig.json).`);
  process.exit(1);
}
const { applyRetention } = await import(modPath);

const TZ = 'Africa/Nairobi';
const work = join(ROOT, 'bench/.work/retention-check');
const env = {
  ...process.env,
  TZ,
  RESTIC_REPOSITORY: join(work, 'repo'),
  RESTIC_PASSWORD: 'x',
  RESTIC_CACHE_DIR: join(work, 'cache'),
};
const restic = (args) => {
  const r = spawnSync('restic', args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`restic ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

// Snapshot times: ~70 over 15 months, many near EAT midnight (20:00-22:59 UTC), some bunched.
const r = rng(20240630);
const EAT = 3 * 3600_000;
const times = new Set();
let t = Date.UTC(2023, 3, 1);
while (times.size < 70) {
  t += (r() % 19) * 86_400_000 * (r() % 3 === 0 ? 0.1 : 1) + (r() % 3600) * 1000;
  const hourUtc = [20, 21, 22, 9, 13][r() % 5];
  const d = new Date(t);
  times.add(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hourUtc, r() % 60, r() % 60));
}
const sorted = [...times].sort((a, b) => a - b);
const eatString = (ms) => new Date(ms + EAT).toISOString().slice(0, 19).replace('T', ' ');

await rm(work, { recursive: true, force: true });
await mkdir(join(work, 'src'), { recursive: true });
await writeFile(join(work, 'src', 'f'), 'x');
restic(['init']);
const snaps = [];
for (const [i, ms] of sorted.entries()) {
  const tags = i % 11 === 0 ? ['a'] : i % 7 === 0 ? ['a', 'b'] : [];
  restic(['backup', '-q', '--time', eatString(ms), ...tags.flatMap((x) => ['--tag', x]), join(work, 'src')]);
  snaps.push({ id: new Date(ms).toISOString(), time: new Date(ms).toISOString(), tags });
}
const newest = new Date(sorted.at(-1));

const POLICIES = [
  { keepLast: 3 },
  { keepHourly: 20 },
  { keepDaily: 10 },
  { keepWeekly: 8 },
  { keepMonthly: 6 },
  { keepYearly: 3 },
  { keepWithin: '30d' },
  { keepWithin: '1y2m' },
  { keepWithinDaily: '60d' },
  { keepWithinWeekly: '140d', keepWithinMonthly: '1y' },
  { keepTags: ['a', 'a,b'] },
  { keepLast: 2, keepDaily: 7, keepWeekly: 4, keepMonthly: 12, keepYearly: 5, keepTags: ['b'] },
];
const FLAG = {
  keepLast: '--keep-last',
  keepHourly: '--keep-hourly',
  keepDaily: '--keep-daily',
  keepWeekly: '--keep-weekly',
  keepMonthly: '--keep-monthly',
  keepYearly: '--keep-yearly',
  keepWithin: '--keep-within',
  keepWithinDaily: '--keep-within-daily',
  keepWithinWeekly: '--keep-within-weekly',
  keepWithinMonthly: '--keep-within-monthly',
};

let failures = 0;
for (const policy of POLICIES) {
  const flags = Object.entries(policy).flatMap(([k, v]) =>
    k === 'keepTags' ? v.flatMap((x) => ['--keep-tag', x]) : [FLAG[k], String(v)],
  );
  const out = JSON.parse(restic(['forget', '--dry-run', '--json', ...flags]));
  const theirs = new Map();
  for (const g of out) {
    for (const k of g.reasons ?? []) theirs.set(new Date(k.snapshot.time).toISOString(), k.matches);
  }
  const ours = new Map(
    applyRetention(snaps, policy, newest, TZ)
      .filter((d) => d.keep)
      .map((d) => [d.snapshot.id, d.reasons]),
  );
  const norm = (m) => JSON.stringify([...m].sort());
  const same = norm(theirs) === norm(ours);
  if (!same) failures++;
  console.log(
    `${same ? 'same' : 'DIFF'}  ${JSON.stringify(policy)}: restic keeps ${theirs.size}, we keep ${ours.size}`,
  );
  if (!same) {
    for (const [id, why] of theirs)
      if (JSON.stringify(ours.get(id)) !== JSON.stringify(why))
        console.log('  restic', id, why, 'ours', ours.get(id));
    for (const [id, why] of ours) if (!theirs.has(id)) console.log('  ours only', id, why);
  }
}
console.log(
  failures === 0 ? `all ${POLICIES.length} policies agree with restic` : `${failures} policies differ`,
);
process.exitCode = failures === 0 ? 0 : 1;
