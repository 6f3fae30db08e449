/** Builds file trees for tests and compares two trees exactly (content, mode, mtime, links). */
import { createHash } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';

export interface Entry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtimeMs?: number;
  size?: number;
  hash?: string;
  target?: string;
}

export async function describeTree(root: string): Promise<Entry[]> {
  const out: Entry[] = [];
  const walk = async (rel: string) => {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const full = join(root, p);
      const st = await lstat(full);
      const base = { path: p, mode: st.mode & 0o7777 };
      if (st.isSymbolicLink()) out.push({ ...base, type: 'symlink', target: await readlink(full) });
      else if (st.isDirectory()) {
        out.push({ ...base, type: 'dir', mtimeMs: Math.floor(st.mtimeMs) });
        await walk(p);
      } else {
        const hash = createHash('sha256')
          .update(await readFile(full))
          .digest('hex');
        out.push({ ...base, type: 'file', mtimeMs: Math.floor(st.mtimeMs), size: st.size, hash });
      }
    }
  };
  await walk('');
  return out;
}

/** A deterministic pseudo-random generator (xorshift32). */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export function randomBytesFrom(rand: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
}

export function text(rand: () => number, n: number): Buffer {
  const words = [
    'invoice',
    'client',
    'Nairobi',
    'project',
    'backup',
    'Zoë',
    'ushauri',
    '2026-11-26',
    'INFO',
    'ok',
    '☕',
  ];
  let s = '';
  while (s.length < n) s += words[(rand() * words.length) | 0] + (rand() < 0.1 ? '\n' : ' ');
  return Buffer.from(s).subarray(0, n);
}

/** A tree with the awkward cases: modes, mtimes, symlinks, empty dir/file, unicode and odd names. */
export async function makeAwkwardTree(root: string, seed = 1): Promise<void> {
  const r = prng(seed);
  await mkdir(join(root, 'docs/nested/deeper'), { recursive: true });
  await mkdir(join(root, 'empty-dir'), { recursive: true });
  await writeFile(join(root, 'empty-file'), '');
  await writeFile(join(root, 'docs/readme.txt'), text(r, 5000));
  await writeFile(join(root, 'docs/nested/deeper/data.bin'), randomBytesFrom(r, 3 * 1024 * 1024 + 17));
  await writeFile(join(root, 'docs/nested/log.txt'), text(r, 2 * 1024 * 1024));
  await writeFile(join(root, 'Ripoti ya Mwaka — 2026 ☕.txt'), 'Habari za asubuhi\n');
  await writeFile(join(root, 'Zoë Müller (copy) [1] #$%&.txt'), 'odd name\n');
  await writeFile(join(root, ' leading space'), 'space\n');
  await writeFile(join(root, 'new\nline'), 'newline in name\n');
  await writeFile(join(root, 'exec.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'exec.sh'), 0o755);
  await writeFile(join(root, 'secret.key'), 'k');
  await chmod(join(root, 'secret.key'), 0o600);
  await symlink('docs/readme.txt', join(root, 'link-to-readme'));
  await symlink('/nonexistent/target', join(root, 'dangling-link'));
  await utimes(
    join(root, 'docs/readme.txt'),
    new Date('2001-02-03T04:05:06.789Z'),
    new Date('2001-02-03T04:05:06.789Z'),
  );
  await utimes(join(root, 'empty-dir'), new Date('2010-01-01T00:00:00Z'), new Date('2010-01-01T00:00:00Z'));
}
