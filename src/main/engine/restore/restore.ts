/**
 * restore(): writes a snapshot (or the parts matching include globs) below a target directory.
 * Blobs are fetched pack by pack (one ranged read per run of nearby blobs), verified (AES-GCM tag
 * and HMAC id) before a byte is written, and written to every file that uses them. Files whose
 * blobs fail verification are removed and reported: a damaged file is never left with wrong bytes.
 * Runs of zero bytes are left as holes (sparse files).
 */
import { chmodSync, chownSync, lchownSync, lutimesSync, utimesSync } from 'node:fs';
import { type FileHandle, mkdir, open as openFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppError, isAppError, throwIfAborted } from '../../platform/errors.js';
import { packName } from '../../repo/format.js';
import type { BlobLocation } from '../../repo/index-store.js';
import { mapLimit } from '../../repo/index-store.js';
import type { Repository } from '../../repo/repository.js';
import type { SnapshotManifest } from '../../repo/snapshot.js';
import type { TreeNode } from '../../repo/tree.js';
import { noProgress, ProgressMeter, type ProgressReporter } from '../progress.js';
import { type PlannedEntry, planRestore } from './plan.js';

export interface RestoreOptions {
  target: string;
  include?: string[];
  /** Allow restoring into a non-empty directory (existing files are overwritten). */
  overwrite?: boolean;
  signal?: AbortSignal;
  progress?: ProgressReporter;
}

export interface RestoreResult {
  files: number;
  dirs: number;
  bytes: number;
  errors: { path: string; message: string }[];
}

interface Target {
  file: number;
  offset: number;
}

const MAX_GAP = 512 * 1024;
const INLINE_WRITE = 64 * 1024;
/** Bytes read from a pack at once (two packs at a time): 16 MiB cost ~70 MiB more peak memory for no speed. */
const MAX_RANGE = 8 * 1024 * 1024;

/** Creates (or empties) a file and sets its size: a hole the writes then fill. */
async function createSized(path: string, size: number): Promise<void> {
  const fh = await openFile(path, 'w', 0o600);
  try {
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
}

const ZEROS = Buffer.alloc(1024 * 1024);
/** Native comparisons against a zero buffer (a byte loop in JS costs seconds per GiB). */
function isZero(b: Buffer): boolean {
  if (b.length === 0 || b[0] !== 0 || b[b.length - 1] !== 0) return b.length === 0;
  for (let o = 0; o < b.length; o += ZEROS.length) {
    const n = Math.min(ZEROS.length, b.length - o);
    if (!b.subarray(o, o + n).equals(ZEROS.subarray(0, n))) return false;
  }
  return true;
}

/**
 * File handles for writing restored blobs: one handle per file, opened on its first blob and closed
 * after its last. Past `max` open files, writes open and close their own handle (fd limits).
 */
class Handles {
  private readonly open = new Map<number, { fh: Promise<FileHandle>; writing: number }>();
  constructor(
    private readonly pathOf: (i: number) => string,
    private readonly remaining: number[],
    /** Files not created yet (one blob): opened with 'w' (create) instead of 'r+'. */
    private readonly creates: (i: number) => boolean,
    private readonly max = 256,
  ) {}
  private flags(file: number): string {
    return this.creates(file) ? 'w' : 'r+';
  }
  async write(file: number, data: Buffer, offset: number): Promise<void> {
    let h = this.open.get(file);
    if (!h && this.open.size >= this.max) {
      const fh = await openFile(this.pathOf(file), this.flags(file), 0o600);
      try {
        await fh.write(data, 0, data.length, offset);
      } finally {
        await fh.close();
      }
      return this.done(file, 1);
    }
    if (!h) {
      h = { fh: openFile(this.pathOf(file), this.flags(file), 0o600), writing: 0 };
      this.open.set(file, h);
    }
    h.writing++;
    try {
      await (await h.fh).write(data, 0, data.length, offset);
    } finally {
      h.writing--;
    }
    await this.done(file, 1);
  }
  /** Counts written (or skipped) blobs; closes the file when all are done. */
  async done(file: number, n: number): Promise<void> {
    this.remaining[file] = (this.remaining[file] ?? 0) - n;
    const h = this.open.get(file);
    if (this.remaining[file]! <= 0 && h && h.writing === 0) {
      this.open.delete(file);
      await (await h.fh).close();
    }
  }
  async closeAll(): Promise<void> {
    for (const h of this.open.values()) await (await h.fh.catch(() => undefined))?.close().catch(() => {});
    this.open.clear();
  }
}

const toSeconds = (ns: string) => (Number(BigInt(ns) / 1000n) + 0.5) / 1e6;

async function ensureTarget(target: string, overwrite: boolean): Promise<void> {
  await mkdir(target, { recursive: true });
  if (!overwrite && (await readdir(target)).length > 0) {
    throw new AppError('CONFLICT', `The restore target ${target} is not empty.`, {
      hint: 'Choose an empty directory, or pass --overwrite to replace files that exist there.',
    });
  }
}

export async function restore(
  repo: Repository,
  snap: SnapshotManifest,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  const signal = opts.signal;
  const target = resolve(opts.target);
  await ensureTarget(target, opts.overwrite ?? false);
  const plan = await planRestore(repo, snap.tree, opts.include, signal);
  if (opts.include?.length && plan.files.length + plan.links.length + plan.dirs.length === 0) {
    throw new AppError(
      'NOT_FOUND',
      `Nothing in snapshot ${snap.id.slice(0, 8)} matches ${opts.include.join(', ')}.`,
      {
        hint: 'List the snapshot with `mvono-backup ls <snapshot>` to see its paths.',
      },
    );
  }
  const meter = new ProgressMeter(opts.progress ?? noProgress, 'restoring');
  meter.setTotals(plan.bytes, plan.files.length);
  const errors: RestoreResult['errors'] = [];
  const damaged = new Set<number>();
  const abs = (e: PlannedEntry) => join(target, ...e.path.split('/'));

  for (const d of plan.dirs) await mkdir(abs(d), { recursive: true, mode: 0o700 });
  for (const l of plan.links) {
    await mkdir(dirname(abs(l)), { recursive: true });
    await rm(abs(l), { force: true });
    await symlink(l.node.linkTarget ?? '', abs(l));
  }

  // Create every file at its final size (holes where zeros will be) and map blobs to targets.
  const byPack = new Map<string, Map<string, { loc: BlobLocation; targets: Target[] }>>();
  // Files of one blob are created by their single write; the others are created here at their
  // final size (parents exist: plan.dirs were made above).
  const single = plan.files.map((f) => (f.node.content ?? []).length === 1);
  await mapLimit(
    plan.files.filter((_f, i) => !single[i]),
    16,
    (f) => createSized(abs(f), f.node.size ?? 0),
  );
  plan.files.forEach((f, i) => {
    let offset = 0;
    for (const id of f.node.content ?? []) {
      const loc = repo.index.get(id);
      if (!loc) {
        damaged.add(i);
        errors.push({ path: f.path, message: `blob ${id.slice(0, 12)} is missing from the repository` });
        continue;
      }
      let blobs = byPack.get(loc.pack);
      if (!blobs) {
        blobs = new Map();
        byPack.set(loc.pack, blobs);
      }
      let b = blobs.get(id);
      if (!b) {
        b = { loc, targets: [] };
        blobs.set(id, b);
      }
      b.targets.push({ file: i, offset });
      offset += loc.rawLength;
    }
  });

  const remaining = plan.files.map(() => 0);
  for (const blobs of byPack.values())
    for (const b of blobs.values()) for (const t of b.targets) remaining[t.file]!++;
  const handles = new Handles(
    (i) => abs(plan.files[i]!),
    remaining,
    (i) => single[i] === true,
  );
  const writeTo = async (t: Target, data: Buffer) => {
    if (damaged.has(t.file)) return handles.done(t.file, 1);
    if (isZero(data)) {
      if (single[t.file]) await createSized(abs(plan.files[t.file]!), data.length);
      return handles.done(t.file, 1);
    }
    if (single[t.file] && data.length <= INLINE_WRITE) {
      // A whole small file in one create+write+close on libuv's pool: creating a file is a slow
      // syscall on some file systems (~0.3 ms on this project's VMs), so several run at once and
      // the main thread stays free to feed the crypto workers.
      await writeFile(abs(plan.files[t.file]!), data, { mode: 0o600 });
      return handles.done(t.file, 1);
    }
    return handles.write(t.file, data, t.offset);
  };

  try {
    await mapLimit([...byPack], 2, async ([pack, blobMap]) => {
      throwIfAborted(signal);
      const blobs = [...blobMap].sort((a, b) => a[1].loc.offset - b[1].loc.offset);
      let i = 0;
      while (i < blobs.length) {
        let j = i + 1;
        const start = blobs[i]![1].loc.offset;
        let end = start + blobs[i]![1].loc.length;
        while (j < blobs.length) {
          const l = blobs[j]![1].loc;
          if (l.offset - end > MAX_GAP || l.offset + l.length - start > MAX_RANGE) break;
          end = Math.max(end, l.offset + l.length);
          j++;
        }
        let range: Uint8Array | undefined;
        try {
          range = await repo.storage.get(packName(pack), { offset: start, length: end - start, signal });
        } catch (e) {
          if (!isAppError(e) || (e.code !== 'NOT_FOUND' && e.code !== 'INTEGRITY')) throw e;
        }
        await mapLimit(blobs.slice(i, j), 8, async ([id, b]) => {
          let data: Buffer;
          try {
            if (!range || range.length < b.loc.offset - start + b.loc.length) {
              throw new AppError('INTEGRITY', `pack ${pack.slice(0, 12)} is missing or truncated`);
            }
            data = await repo.openSealed(
              id,
              range.subarray(b.loc.offset - start, b.loc.offset - start + b.loc.length),
              b.loc.rawLength,
            );
          } catch (e) {
            if (!isAppError(e) || (e.code !== 'INTEGRITY' && e.code !== 'NOT_FOUND')) throw e;
            for (const t of b.targets) {
              if (!damaged.has(t.file)) errors.push({ path: plan.files[t.file]!.path, message: e.message });
              damaged.add(t.file);
            }
            return;
          }
          for (const t of b.targets) {
            await writeTo(t, data);
            meter.addBytes(data.length, plan.files[t.file]!.path);
          }
        });
        i = j;
      }
    });
  } finally {
    await handles.closeAll();
  }
  throwIfAborted(signal);

  let restored = 0;
  for (const [i, f] of plan.files.entries()) {
    if (damaged.has(i)) {
      await rm(abs(f), { force: true });
      continue;
    }
    applyMeta(abs(f), f.node, false);
    restored++;
    meter.addFile(f.path);
  }
  for (const l of plan.links) applyMeta(abs(l), l.node, true);
  for (const d of [...plan.dirs].reverse()) applyMeta(abs(d), d.node, false);
  meter.done();
  return { files: restored, dirs: plan.dirs.length, bytes: plan.bytes, errors };
}

/** Owner (when root), mode and mtime: single syscalls, done synchronously (cheaper than 3 thread-pool trips per file). */
function applyMeta(path: string, n: TreeNode, isLink: boolean): void {
  const isRoot = process.getuid?.() === 0;
  try {
    if (isRoot && n.uid !== undefined && n.gid !== undefined)
      (isLink ? lchownSync : chownSync)(path, n.uid, n.gid);
  } catch {
    // ownership is best effort (the user may not exist here)
  }
  if (!isLink) chmodSync(path, n.mode);
  const t = toSeconds(n.mtimeNs);
  try {
    (isLink ? lutimesSync : utimesSync)(path, t, t);
  } catch {
    // some file systems refuse times on links
  }
}

/** Restores one component (e.g. a database dump directory) into `dir`/<component>; returns that path. */
export async function restoreComponent(
  repo: Repository,
  snap: SnapshotManifest,
  component: string,
  dir: string,
  opts: { signal?: AbortSignal; progress?: ProgressReporter } = {},
): Promise<string> {
  if (!snap.components.some((c) => c.name === component)) {
    throw new AppError('NOT_FOUND', `Snapshot ${snap.id.slice(0, 8)} has no component "${component}".`);
  }
  const res = await restore(repo, snap, { target: dir, include: [component], ...opts });
  if (res.errors.length > 0) {
    throw new AppError(
      'INTEGRITY',
      `${res.errors.length} file(s) of component "${component}" could not be restored: ${res.errors[0]!.message}.`,
      {
        hint: 'Run `mvono-backup check --read-data-subset 100%` and restore from another snapshot or the secondary repository.',
      },
    );
  }
  return join(dir, component);
}
