/**
 * restore(): writes a snapshot (or the parts matching include globs) below a target directory.
 * Blobs are fetched pack by pack (one ranged read per run of nearby blobs); each range goes to a
 * crypto worker that verifies every blob (AES-GCM tag and HMAC id) before a byte is written and
 * writes it to every file that uses it (repo/workers/write-job.ts). Files whose blobs fail
 * verification are removed and reported: a damaged file is never left with wrong bytes.
 * Runs of zero bytes are left as holes (sparse files).
 */
import { chmodSync, chownSync, lchownSync, lutimesSync, utimesSync } from 'node:fs';
import { mkdir, open as openFile, readdir, rm, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppError, type ErrorCode, isAppError, throwIfAborted } from '../../platform/errors.js';
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
/** Bytes read from a pack at once: with the writes in the workers, 8 MiB cost ~30 MiB more peak memory than 4 for no speed. */
const MAX_RANGE = 4 * 1024 * 1024;
/** Packs restored at once, each with one range being read or written: two keep both workers busy. */
const PACKS_AT_ONCE = 2;

/** Creates (or empties) a file and sets its size: a hole the writes then fill. */
async function createSized(path: string, size: number): Promise<void> {
  const fh = await openFile(path, 'w', 0o600);
  try {
    await fh.truncate(size);
  } finally {
    await fh.close();
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

  const integrityFailure = (targets: Target[], message: string) => {
    for (const t of targets) {
      if (!damaged.has(t.file)) errors.push({ path: plan.files[t.file]!.path, message });
      damaged.add(t.file);
    }
  };
  // Range buffers come back from the workers and are read into again: fresh memory costs a page
  // fault per 4 KiB, which on a VM is slower than the read itself. A range above MAX_RANGE (one
  // large blob) is read into a buffer of its own.
  const buffers: Uint8Array[] = [];
  await mapLimit([...byPack], PACKS_AT_ONCE, async ([pack, blobMap]) => {
    const blobs = [...blobMap].sort((a, b) => a[1].loc.offset - b[1].loc.offset);
    let i = 0;
    while (i < blobs.length) {
      throwIfAborted(signal);
      let j = i + 1;
      const start = blobs[i]![1].loc.offset;
      let end = start + blobs[i]![1].loc.length;
      while (j < blobs.length) {
        const l = blobs[j]![1].loc;
        if (l.offset - end > MAX_GAP || l.offset + l.length - start > MAX_RANGE) break;
        end = Math.max(end, l.offset + l.length);
        j++;
      }
      const run = blobs.slice(i, j);
      i = j;
      let range: Uint8Array;
      const into = buffers.pop() ?? new Uint8Array(MAX_RANGE);
      try {
        range = await repo.storage.get(packName(pack), { offset: start, length: end - start, signal, into });
        if (range.buffer !== into.buffer) buffers.push(into); // an adapter with buffers of its own
      } catch (e) {
        buffers.push(into);
        if (!isAppError(e) || (e.code !== 'NOT_FOUND' && e.code !== 'INTEGRITY')) throw e;
        for (const [, b] of run)
          integrityFailure(b.targets, `pack ${pack.slice(0, 12)} is missing or truncated`);
        continue;
      }
      // Files already known to be damaged are not written (they are removed below).
      const writes = run.map(([id, b]) => ({
        id,
        at: b.loc.offset - start,
        length: b.loc.length,
        rawLength: b.loc.rawLength,
        targets: b.targets
          .filter((t) => !damaged.has(t.file))
          .map((t) => ({
            path: abs(plan.files[t.file]!),
            offset: t.offset,
            create: single[t.file] === true,
          })),
      }));
      const { outcomes, buffer } = await repo.pool().writeBlobs(range, writes, range.buffer === into.buffer);
      if (buffer.length >= MAX_RANGE && buffers.length < PACKS_AT_ONCE + 1) buffers.push(buffer);
      outcomes.forEach((o, k) => {
        const b = run[k]![1];
        if (o === null) {
          for (const t of b.targets) meter.addBytes(b.loc.rawLength, plan.files[t.file]!.path);
          return;
        }
        if (!o.integrity) throw writeError(writes[k]!.targets[0]?.path ?? target, o);
        integrityFailure(b.targets, o.message);
      });
    }
  });
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

/** A failed write at the target (or a blob this version cannot read) stops the restore. */
function writeError(path: string, o: { code: string; message: string }): AppError {
  if (o.code === 'UNSUPPORTED_FORMAT') {
    return new AppError('UNSUPPORTED_FORMAT', `Could not restore ${path}: ${o.message}`, {
      hint: 'It was written by a newer version of Mvono Backup; upgrade to restore it.',
    });
  }
  const code: ErrorCode =
    o.code === 'ENOSPC' || o.code === 'EDQUOT'
      ? 'NO_SPACE'
      : o.code === 'EACCES' || o.code === 'EPERM' || o.code === 'EROFS'
        ? 'PERMISSION_DENIED'
        : 'INTERNAL';
  return new AppError(code, `Could not write ${path}: ${o.message}`, {
    hint: 'Check free space and permissions at the restore target, then run the restore again.',
  });
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
