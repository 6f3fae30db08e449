/**
 * The archiver turns a directory hierarchy into trees and data blobs. Per directory: list, lstat
 * every entry, then files whose size, mtime, ctime and inode match the parent snapshot's node are
 * not read again (unless forceReread; their content ids must still be in the index); changed files
 * go to the crypto workers as file jobs (small files batched, large files one per job), which read,
 * chunk, hash and seal them (repo/file-saver.ts). Subdirectories are walked with bounded fan-out.
 */
import { readdirSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, throwIfAborted } from '../../platform/errors.js';
import { type FileToSave, saveFiles } from '../../repo/file-saver.js';
import { BlobType } from '../../repo/format.js';
import { mapLimit } from '../../repo/index-store.js';
import type { Packer } from '../../repo/packer.js';
import type { Repository } from '../../repo/repository.js';
import { encodeTree, type Tree, type TreeNode } from '../../repo/tree.js';
import type { ProgressMeter } from '../progress.js';
import { type EntryMeta, lstatMeta } from './entry-meta.js';
import type { Prewalk } from './prewalk.js';

export interface ArchiveStats {
  files: number;
  dirs: number;
  bytes: number;
  warnings: string[];
}

/** Files up to SMALL_FILE are batched into one job up to BATCH_BYTES / BATCH_FILES. */
const SMALL_FILE = 1024 * 1024;
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 256;
const STAT_BATCH = 256;
const DIR_FANOUT = 8;
/** File jobs in flight per crypto worker (each holds at most a few MiB). */
const JOBS_PER_WORKER = 1;
const SKIPPABLE = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ELOOP']);

interface FileItem extends FileToSave {
  index: number;
  base: TreeNode;
}

class Limiter {
  private active = 0;
  // A FIFO with a moving head: Array.shift() on tens of thousands of waiters is quadratic.
  private queue: (() => void)[] = [];
  private head = 0;
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      const next = this.queue[this.head];
      if (next) {
        this.queue[this.head++] = undefined as unknown as () => void;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        next();
      }
    }
  }
}

export class Archiver {
  readonly stats: ArchiveStats = { files: 0, dirs: 0, bytes: 0, warnings: [] };
  private readonly jobs: Limiter;

  constructor(
    private readonly repo: Repository,
    private readonly packer: Packer,
    private readonly meter: ProgressMeter,
    private readonly opts: { forceReread: boolean; signal?: AbortSignal; prewalk?: Prewalk },
  ) {
    this.jobs = new Limiter(JOBS_PER_WORKER * repo.pool().size);
  }

  /** Saves a tree built from `nodes` and returns its id. */
  async saveTree(nodes: TreeNode[]): Promise<string> {
    const r = await this.packer.save(BlobType.Tree, encodeTree({ nodes }));
    return r.id;
  }

  /** Metadata of a directory without descending into it (for the parents of backed-up paths). */
  async dirMeta(path: string, name: string): Promise<TreeNode> {
    try {
      const st = lstatMeta(path);
      return { name, type: 'dir', mode: st.mode, mtimeNs: st.mtimeNs, uid: st.uid, gid: st.gid };
    } catch {
      return { name, type: 'dir', mode: 0o755, mtimeNs: '0' };
    }
  }

  /** Node for a real path (file, dir, symlink); undefined for skipped entries. */
  async node(path: string, name: string, parent: TreeNode | undefined): Promise<TreeNode | undefined> {
    throwIfAborted(this.opts.signal);
    const st = this.stat(path);
    if (!st) return undefined;
    const out: (TreeNode | undefined)[] = [undefined];
    await this.entries([path], [name], [st], new Map(parent ? [[name, parent]] : []), out);
    return out[0];
  }

  /**
   * lstat on this thread: a synchronous lstat costs microseconds where a round trip through
   * libuv's pool costs tens (it dominates an incremental backup). Callers yield between batches.
   */
  private stat(path: string): EntryMeta | undefined {
    try {
      return lstatMeta(path);
    } catch (e) {
      this.warn(path, e);
      return undefined;
    }
  }

  /** lstat of every path, in batches with a turn of the event loop between them (workers' messages). */
  private async statAll(paths: string[]): Promise<(EntryMeta | undefined)[]> {
    const out = new Array<EntryMeta | undefined>(paths.length);
    for (let i = 0; i < paths.length; i++) {
      if (i % STAT_BATCH === 0) {
        throwIfAborted(this.opts.signal);
        if (i > 0) await new Promise<void>((r) => setImmediate(r));
      }
      out[i] = this.stat(paths[i]!);
    }
    return out;
  }

  private async dir(path: string, parentTreeId: string | undefined): Promise<string | undefined> {
    let names: string[];
    const listed = this.opts.prewalk?.take(path);
    try {
      throwIfAborted(this.opts.signal);
      names = listed?.names ?? readdirSync(path).sort(); // synchronous for the same reason as stat()
    } catch (e) {
      this.warn(path, e);
      return undefined;
    }
    const parentNodes = new Map<string, TreeNode>();
    let parentLoaded = false;
    if (parentTreeId && !this.opts.forceReread) {
      try {
        for (const n of (await this.repo.loadTree(parentTreeId)).nodes) parentNodes.set(n.name, n);
        parentLoaded = true;
      } catch {
        // a damaged parent only costs re-reading
      }
    }
    const paths = names.map((n) => join(path, n));
    // An entry the prewalk could not stat is asked again here, so its warning is reported.
    const stats = listed
      ? listed.stats.map((st, i) => st ?? this.stat(paths[i]!))
      : await this.statAll(paths);
    const nodes = new Array<TreeNode | undefined>(names.length);
    await this.entries(paths, names, stats, parentNodes, nodes);
    const kept = nodes.filter((n): n is TreeNode => n !== undefined);
    // An unchanged directory is its parent tree: no encoding, hashing or lookup (most of an
    // incremental backup's directories).
    if (parentLoaded && this.packer.has(parentTreeId!) && sameNodes(kept, parentNodes)) return parentTreeId!;
    return this.saveTree(kept);
  }

  /** Fills `out[i]` with the node named `names[i]` for `paths[i]` (undefined when skipped). */
  private async entries(
    paths: string[],
    names: string[],
    stats: (EntryMeta | undefined)[],
    parents: Map<string, TreeNode>,
    out: (TreeNode | undefined)[],
  ): Promise<void> {
    const work: Promise<void>[] = [];
    const subdirs: number[] = [];
    let batch: FileItem[] = [];
    let batchBytes = 0;
    const flush = () => {
      if (batch.length > 0) work.push(this.saveBatch(batch, out));
      batch = [];
      batchBytes = 0;
    };
    for (let i = 0; i < names.length; i++) {
      const st = stats[i];
      if (!st) continue;
      const name = names[i]!;
      const path = paths[i]!;
      const parent = parents.get(name);
      const base: TreeNode = {
        name,
        type: 'file',
        mode: st.mode,
        mtimeNs: st.mtimeNs,
        ctimeNs: st.ctimeNs,
        inode: st.inode,
        dev: st.dev,
        uid: st.uid,
        gid: st.gid,
      };
      if (st.kind === 'dir') {
        out[i] = base;
        subdirs.push(i);
      } else if (st.kind === 'symlink') {
        work.push(
          readlink(path).then(
            (linkTarget) => {
              out[i] = { ...base, type: 'symlink', linkTarget };
            },
            (e) => this.warn(path, e),
          ),
        );
      } else if (st.kind === 'file') {
        const size = st.size;
        if (this.unchanged(base, size, parent)) {
          this.stats.files++;
          this.stats.bytes += size;
          this.meter.addBytes(size, path);
          this.meter.addFile();
          out[i] = { ...base, size, content: parent.content ?? [] };
        } else if (size <= SMALL_FILE) {
          batch.push({ index: i, path, size, base });
          batchBytes += size;
          if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_FILES) flush();
        } else {
          work.push(this.saveBatch([{ index: i, path, size, base }], out));
        }
      } else {
        this.stats.warnings.push(`${path}: skipped (not a regular file, directory or symlink)`);
      }
    }
    flush();
    work.push(
      mapLimit(subdirs, DIR_FANOUT, async (i) => {
        const base = out[i]!;
        const parent = parents.get(names[i]!);
        const subtree = await this.dir(paths[i]!, parent?.type === 'dir' ? parent.subtree : undefined);
        if (subtree === undefined) {
          out[i] = undefined;
          return;
        }
        this.stats.dirs++;
        out[i] = { ...base, type: 'dir', subtree };
      }).then(() => undefined),
    );
    const settled = await Promise.allSettled(work);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private unchanged(node: TreeNode, size: number, parent: TreeNode | undefined): parent is TreeNode {
    return (
      !this.opts.forceReread &&
      parent !== undefined &&
      parent.type === 'file' &&
      parent.size === size &&
      parent.mtimeNs === node.mtimeNs &&
      parent.ctimeNs === node.ctimeNs &&
      parent.inode === node.inode &&
      (parent.content ?? []).every((id) => this.packer.has(id))
    );
  }

  /** Stores a batch of files through one worker job and fills their nodes. */
  private async saveBatch(items: FileItem[], out: (TreeNode | undefined)[]): Promise<void> {
    const outcomes = await this.jobs.run(() => {
      throwIfAborted(this.opts.signal);
      return saveFiles(this.repo.pool(), this.packer, items, (n, path) => this.meter.addBytes(n, path));
    });
    items.forEach((item, k) => {
      const o = outcomes[k]!;
      if (!o.ok) {
        if (SKIPPABLE.has(o.code)) {
          this.warn(item.path, { code: o.code });
          return;
        }
        throw new AppError('SOURCE_FAILED', `Could not read ${item.path}: ${o.message}`, {
          hint: 'Check the disk and the file, then run the backup again.',
        });
      }
      if (o.bytes !== item.size)
        this.stats.warnings.push(`${item.path}: changed while being read (${item.size} -> ${o.bytes} bytes)`);
      this.stats.files++;
      this.stats.bytes += o.bytes;
      this.meter.addFile();
      out[item.index] = { ...item.base, size: o.bytes, content: o.content };
    });
  }

  private warn(path: string, e: unknown): void {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const what =
      code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'vanished' : code;
    this.stats.warnings.push(`${path}: skipped (${what})`);
  }
}

const NODE_FIELDS = [
  'type',
  'mode',
  'mtimeNs',
  'ctimeNs',
  'inode',
  'dev',
  'size',
  'uid',
  'gid',
  'subtree',
  'linkTarget',
] as const satisfies readonly (keyof TreeNode)[];
// Every TreeNode field is compared: a field added to TreeNode and not listed above fails to compile.
type Unlisted = Exclude<keyof TreeNode, (typeof NODE_FIELDS)[number] | 'name' | 'content'>;
const _allFieldsCompared: [Unlisted] extends [never] ? true : never = true;
void _allFieldsCompared;

/** Whether `nodes` are exactly the parent tree's nodes (every field, same names, same content ids). */
function sameNodes(nodes: TreeNode[], parent: Map<string, TreeNode>): boolean {
  if (nodes.length !== parent.size) return false;
  for (const n of nodes) {
    const p = parent.get(n.name);
    if (!p) return false;
    for (const f of NODE_FIELDS) if (n[f] !== p[f]) return false;
    const a = n.content ?? [];
    const b = p.content ?? [];
    if (a !== b && (a.length !== b.length || a.some((id, i) => id !== b[i]))) return false;
  }
  return true;
}

export function emptyTree(): Tree {
  return { nodes: [] };
}
