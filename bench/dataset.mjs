// Deterministic mixed benchmark dataset: text, logs, CSV, incompressible "media", gzip archives and
// tiny config files in nested directories. Scale 1 is ~1.2 GB in ~10k files; BENCH_SCALE (or
// --scale) multiplies file counts. Same scale -> same bytes, every run, every machine.
//   node bench/dataset.mjs generate [dir] [--scale 0.1]
//   node bench/dataset.mjs mutate [dir] [--pct 2] [--round 1]
//   node bench/dataset.mjs manifest [dir]
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('./.work/data', import.meta.url));
const KiB = 1024;
const MiB = 1024 * KiB;

/** Per category at scale 1: file count and size range (bytes). ~1.2 GB, ~10k files in total. */
const CATEGORIES = [
  { kind: 'tiny', ext: 'conf', count: 2500, min: 100, max: 2 * KiB },
  { kind: 'text', ext: 'md', count: 7000, min: 1 * KiB, max: 60 * KiB },
  { kind: 'log', ext: 'log', count: 300, min: 100 * KiB, max: 2 * MiB },
  { kind: 'csv', ext: 'csv', count: 100, min: 512 * KiB, max: 4 * MiB },
  { kind: 'media', ext: 'bin', count: 70, min: 1 * MiB, max: 20 * MiB },
  { kind: 'gz', ext: 'gz', count: 50, min: 1 * MiB, max: 8 * MiB },
];

/** mulberry32: small, fast, deterministic 32-bit PRNG. */
export function rng(seed) {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const seedOf = (label) => createHash('sha256').update(label).digest().readUInt32BE(0);

/** Incompressible bytes: AES-128-CTR keystream keyed by the label. */
export function randomBytes(label, n) {
  const key = createHash('sha256').update(label).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}

const WORDS = (() => {
  const r = rng(42);
  const syll = [
    'ka',
    'mo',
    'ri',
    'ta',
    'ne',
    'su',
    'lo',
    'vi',
    'ba',
    'de',
    'zu',
    'mi',
    'po',
    'ha',
    'ng',
    'we',
  ];
  const out = ['the', 'backup', 'restore', 'data', 'server', 'of', 'and', 'to', 'Nairobi', 'snapshot'];
  while (out.length < 3000) {
    let w = '';
    const n = 1 + (r() % 4);
    for (let i = 0; i < n; i++) w += syll[r() % syll.length];
    out.push(w);
  }
  return out.map((w) => Buffer.from(`${w} `));
})();

function textBytes(r, n) {
  const buf = Buffer.allocUnsafe(n + 64);
  let off = 0;
  let col = 0;
  while (off < n) {
    // Zipf-ish: small indices are common
    const w = WORDS[Math.floor((r() / 2 ** 32) ** 3 * WORDS.length)];
    buf.set(w, off);
    off += w.length;
    col += w.length;
    if (col > 70) {
      buf[off - 1] = 10;
      col = 0;
    }
  }
  return buf.subarray(0, n);
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const PATHS = ['/api/orders', '/api/users', '/health', '/api/payments', '/static/app.js', '/login'];

/** Fills n bytes by writing generated lines (latin1) straight into one buffer: little garbage. */
function linesBytes(n, nextLine) {
  const buf = Buffer.allocUnsafe(n + 512);
  let off = 0;
  while (off < n) off += buf.write(nextLine(), off, 'latin1');
  return buf.subarray(0, n);
}

function logBytes(r, n, start) {
  let t = start;
  let sec = -1;
  let prefix = '';
  return linesBytes(n, () => {
    t += r() % 2000;
    if (Math.floor(t / 1000) !== sec) {
      sec = Math.floor(t / 1000);
      prefix = new Date(sec * 1000).toISOString().slice(0, 19);
    }
    return (
      `${prefix}.${String(t % 1000).padStart(3, '0')}Z ${LEVELS[r() % LEVELS.length]} [svc-${r() % 16}] ` +
      `req=${r().toString(16)} path=${PATHS[r() % PATHS.length]} status=${r() % 10 === 0 ? 500 : 200} ` +
      `dur=${r() % 900}ms\n`
    );
  });
}

const REGIONS = ['NBO', 'MBA', 'KSM', 'EDL'];

function csvBytes(r, n) {
  let id = 0;
  return linesBytes(n, () =>
    id++ === 0
      ? 'id,date,customer,region,amount,currency,status\n'
      : `${id},2024-${1 + (r() % 12)}-${1 + (r() % 28)},C${r() % 100000},${REGIONS[r() % 4]},` +
        `${(r() % 10000000) / 100},KES,${r() % 7 ? 'paid' : 'open'}\n`,
  );
}

function contentFor(kind, label, size) {
  const r = rng(seedOf(label));
  switch (kind) {
    case 'tiny':
    case 'text':
      return textBytes(r, size);
    case 'log':
      return logBytes(r, size, Date.UTC(2024, 0, 1) + (r() % 1e10));
    case 'csv':
      return csvBytes(r, size);
    case 'media':
      return randomBytes(label, size);
    case 'gz':
      // log text compresses ~4-5x at level 1: the archive lands near `size`
      return gzipSync(logBytes(r, size * 4, Date.UTC(2024, 0, 1)), { level: 1 });
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

/** The file list for a scale: [{ rel, kind, size, label }]. Deterministic. */
export function plan(scale) {
  const files = [];
  for (const c of CATEGORIES) {
    const count = Math.max(1, Math.round(c.count * scale));
    const r = rng(seedOf(`plan/${c.kind}`));
    for (let i = 0; i < count; i++) {
      const size = c.min + Math.floor((r() / 2 ** 32) ** 2 * (c.max - c.min));
      const depth = 1 + (r() % 3);
      const parts = [`${c.kind}`];
      for (let d = 0; d < depth; d++) parts.push(`d${r() % (d === 0 ? 12 : 6)}`);
      parts.push(`${c.kind}-${String(i).padStart(5, '0')}.${c.ext}`);
      files.push({ rel: join(...parts), kind: c.kind, size, label: `file/${c.kind}/${i}` });
    }
  }
  // a few duplicated media files (same content, another place): deduplication has something to find
  const media = files.filter((f) => f.kind === 'media');
  for (let i = 0; i < Math.max(1, Math.round(media.length / 20)); i++) {
    files.push({ ...media[i], rel: join('copies', `copy-${i}.bin`) });
  }
  return files;
}

export function scaleFromEnv(fallback = 1) {
  const s = Number(process.env.BENCH_SCALE ?? fallback);
  if (!(s > 0)) throw new Error(`BENCH_SCALE must be a positive number (got ${process.env.BENCH_SCALE})`);
  return s;
}

/** Writes the dataset (removing what was there). Returns { files, bytes }. */
export async function generate(dir = DEFAULT_DATA_DIR, scale = scaleFromEnv()) {
  await rm(dir, { recursive: true, force: true });
  let bytes = 0;
  const files = plan(scale);
  for (const f of files) {
    const p = join(dir, f.rel);
    await mkdir(dirname(p), { recursive: true });
    const data = contentFor(f.kind, f.label, f.size);
    await writeFile(p, data);
    bytes += data.length;
  }
  return { files: files.length, bytes };
}

async function walk(dir, out = []) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Edits ~pct% of the files deterministically (per round): appends, overwrites in the middle, inserts
 * in the middle (shifting the rest), and adds a few new files. Returns what it did.
 */
export async function mutate(dir = DEFAULT_DATA_DIR, pct = 2, round = 1) {
  const files = (await walk(dir)).sort();
  const r = rng(seedOf(`mutate/${round}`));
  const done = { appended: 0, overwritten: 0, inserted: 0, added: 0, bytesWritten: 0 };
  for (const [i, p] of files.entries()) {
    if (r() % 10000 >= pct * 100) continue;
    const size = (await stat(p)).size;
    const patch = randomBytes(`mutate/${round}/${i}`, 1 + (r() % (16 * KiB)));
    const action = r() % 10;
    if (action < 4) {
      await appendFile(p, patch);
      done.appended++;
    } else if (action < 8) {
      const fh = await open(p, 'r+');
      await fh.write(patch, 0, Math.min(patch.length, size), Math.floor(size / 2));
      await fh.close();
      done.overwritten++;
    } else {
      const data = await readFile(p);
      const mid = Math.floor(data.length / 2);
      await writeFile(p, Buffer.concat([data.subarray(0, mid), patch, data.subarray(mid)]));
      done.inserted++;
    }
    done.bytesWritten += patch.length;
  }
  const add = Math.max(2, Math.round(files.length * 0.002));
  for (let i = 0; i < add; i++) {
    const p = join(dir, 'new', `round-${round}`, `new-${i}.${i === 0 ? 'bin' : 'md'}`);
    await mkdir(dirname(p), { recursive: true });
    const data =
      i === 0
        ? randomBytes(`new/${round}/${i}`, 4 * MiB)
        : contentFor('text', `new/${round}/${i}`, 2 * KiB + (r() % (40 * KiB)));
    await writeFile(p, data);
    done.added++;
    done.bytesWritten += data.length;
  }
  return done;
}

async function sha256File(p) {
  const h = createHash('sha256');
  for await (const c of createReadStream(p, { highWaterMark: 4 * MiB })) h.update(c);
  return h.digest('hex');
}

/** relative path -> sha256 hex, for every regular file under dir. */
export async function manifest(dir) {
  const out = new Map();
  for (const p of (await walk(dir)).sort()) out.set(relative(dir, p), await sha256File(p));
  return out;
}

/** Compares two manifests; returns a list of human-readable differences (empty when identical). */
export function diffManifests(expected, actual) {
  const diffs = [];
  for (const [k, v] of expected) {
    if (!actual.has(k)) diffs.push(`missing ${k}`);
    else if (actual.get(k) !== v) diffs.push(`content differs ${k}`);
  }
  for (const k of actual.keys()) if (!expected.has(k)) diffs.push(`unexpected ${k}`);
  return diffs;
}

export async function duBytes(dir) {
  let apparent = 0;
  let disk = 0;
  for (const p of await walk(dir)) {
    const s = await stat(p);
    apparent += s.size;
    disk += s.blocks * 512;
  }
  return { apparent, disk };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd = 'generate', dirArg] = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  const opt = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const dir = dirArg ?? DEFAULT_DATA_DIR;
  const t0 = performance.now();
  if (cmd === 'generate') console.log(await generate(dir, opt('scale', scaleFromEnv())));
  else if (cmd === 'mutate') console.log(await mutate(dir, opt('pct', 2), opt('round', 1)));
  else if (cmd === 'manifest') for (const [k, v] of await manifest(dir)) console.log(`${v}  ${k}`);
  else throw new Error(`usage: dataset.mjs generate|mutate|manifest [dir] [--scale S] [--pct P] [--round N]`);
  console.error(`${cmd} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
