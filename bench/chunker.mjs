#!/usr/bin/env node
// Chunker micro-benchmark (one core): FastCDC over random data in memory (8 MiB pushes) and over
// a page-cached file read in 2 MiB blocks (as a crypto worker's file job reads). Needs the compiled chunker:
//   npx tsc -p tsconfig.json && node bench/chunker.mjs [--mib 512] [--rounds 5]
//   (BENCH_CHUNKER_MODULE=/path/to/chunker.js picks another build)
// Best-of-rounds is reported because the build machines are shared and noisy; the in-memory figure
// is also given per CPU-second (process.cpuUsage), which is less sensitive to other load.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from './dataset.mjs';
import { ROOT } from './tools.mjs';

const modPath = process.env.BENCH_CHUNKER_MODULE ?? join(ROOT, 'dist/src/main/repo/chunker.js');
if (!existsSync(modPath)) {
  console.error(`${modPath} is missing: build first (npx tsc -p tsconfig.json).`);
  process.exit(1);
}
const { Chunker, DEFAULT_CHUNKER, gearTable } = await import(modPath);

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const mib = arg('mib', 512);
const rounds = arg('rounds', 5);
const MiB = 1024 * 1024;
const gear = gearTable(new Uint8Array(32).fill(7));
const bufs = [];
for (let i = 0; i < mib / 8; i++) bufs.push(randomBytes(`chunker-bench/${i}`, 8 * MiB));
const total = bufs.length * 8 * MiB;

function inMemory() {
  const c = new Chunker(DEFAULT_CHUNKER, gear);
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const b of bufs) n += c.push(b).length;
  n += c.finish().length;
  const cpu = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, chunks: n };
}

const work = join(ROOT, 'bench/.work');
await mkdir(work, { recursive: true });
const file = join(work, 'chunker-bench.bin');
await writeFile(file, Buffer.concat(bufs.slice(0, Math.max(1, bufs.length / 2))));
const fileBytes = Math.max(1, bufs.length / 2) * 8 * MiB;

async function fromFile() {
  let n = 0;
  const t0 = performance.now();
  const c = new Chunker(DEFAULT_CHUNKER, gear);
  const fd = openSync(file, 'r');
  try {
    for (let pos = 0; ; ) {
      const buf = Buffer.allocUnsafe(2 * MiB);
      const got = readSync(fd, buf, 0, buf.length, pos);
      if (got === 0) break;
      pos += got;
      n += c.push(buf.subarray(0, got)).length;
      c.detach();
    }
  } finally {
    closeSync(fd);
  }
  n += c.finish().length;
  return { ms: performance.now() - t0, chunks: n };
}

const mbs = (bytes, ms) => bytes / 1e6 / (ms / 1000);
let best = Infinity;
let bestCpu = Infinity;
let chunks = 0;
for (let r = 0; r < rounds; r++) {
  const x = inMemory();
  chunks = x.chunks;
  best = Math.min(best, x.ms);
  bestCpu = Math.min(bestCpu, x.cpuMs);
  console.log(
    `in-memory round ${r}: ${mbs(total, x.ms).toFixed(0)} MB/s wall, ${mbs(total, x.cpuMs).toFixed(0)} MB/s cpu`,
  );
}
let bestFile = Infinity;
for (let r = 0; r < rounds; r++) {
  const x = await fromFile();
  bestFile = Math.min(bestFile, x.ms);
  console.log(`file round ${r}: ${mbs(fileBytes, x.ms).toFixed(0)} MB/s`);
}
await rm(file, { force: true });
console.log(
  JSON.stringify({
    params: DEFAULT_CHUNKER,
    inMemoryMBps: +mbs(total, best).toFixed(0),
    inMemoryMBpsPerCpuSecond: +mbs(total, bestCpu).toFixed(0),
    fileMBps: +mbs(fileBytes, bestFile).toFixed(0),
    meanChunkKiB: +(total / chunks / 1024).toFixed(0),
    chunks,
    bytes: total,
    loadavg: loadavg(),
  }),
);
