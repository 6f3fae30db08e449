/**
 * The archiver turns a directory hierarchy into trees and data blobs. Files whose size, mtime,
 * ctime and inode match the parent snapshot's node are not read again (unless forceReread); their
 * content ids are reused after checking they are still in the index.
 * Files are processed with bounded concurrency; chunk sealing is bounded inside the Packer.
 */
import { readFileSync } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '../../platform/errors.js';
import { chunkFile } from '../../repo/chunker.js';
import { BlobType } from '../../repo/format.js';
import { mapLimit } from '../../repo/index-store.js';
import type { Packer, SaveResult } from '../../repo/packer.js';
import type { Repository } from '../../repo/repository.js';
import { encodeTree, type Tree, type TreeNode } from '../../repo/tree.js';
import type { ProgressMeter } from '../progress.js';

type BigStats = Awaited<ReturnType<typeof lstat>> & {
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
};

export interface ArchiveStats {
  files: number;
  dirs: number;
  bytes: number;
  warnings: string[];
}

/** Memory bounds: chunks are views into read buffers, so a pending chunk pins its buffer. */
const READ_SIZE = 4 * 1024 * 1024;
const MAX_PENDING_PER_FILE = 2;
const SMALL_FILE = 1024 * 1024;
const DIR_FANOUT = 32;
const INLINE_FILE = 64 * 1024;

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
  /** Small files are latency-bound (open, read, hash round trip): more of them run at once. */
  private readonly smallFiles = new Limiter(16);
  private readonly largeFiles = new Limiter(3);

  constructor(
    private readonly repo: Repository,
    private readonly packer: Packer,
    private readonly meter: ProgressMeter,
    private readonly opts: { forceReread: boolean; signal?: AbortSignal },
  ) {}

  /** Saves a tree built from `nodes` and returns its id. */
  async saveTree(nodes: TreeNode[]): Promise<string> {
    const r = await this.packer.save(BlobType.Tree, encodeTree({ nodes }));
    return r.id;
  }

  /** Metadata of a directory without descending into it (for the parents of backed-up paths). */
  async dirMeta(path: string, name: string): Promise<TreeNode> {
    try {
      const st = (await lstat(path, { bigint: true })) as unknown as BigStats;
      return {
        name,
        type: 'dir',
        mode: Number(st.mode) & 0o7777,
        mtimeNs: st.mtimeNs.toString(),
        uid: Number(st.uid),
        gid: Number(st.gid),
      };
    } catch {
      return { name, type: 'dir', mode: 0o755, mtimeNs: '0' };
    }
  }

  /** Node for a real path (file, dir, symlink); undefined for skipped entries. */
  async node(path: string, name: string, parent: TreeNode | undefined): Promise<TreeNode | undefined> {
    throwIfAborted(this.opts.signal);
    let st: BigStats;
    try {
      st = (await lstat(path, { bigint: true })) as unknown as BigStats;
    } catch (e) {
      this.warn(path, e);
      return undefined;
    }
    const base: TreeNode = {
      name,
      type: 'file',
      mode: Number(st.mode) & 0o7777,
      mtimeNs: st.mtimeNs.toString(),
      ctimeNs: st.ctimeNs.toString(),
      inode: st.ino.toString(),
      dev: st.dev.toString(),
      uid: Number(st.uid),
      gid: Number(st.gid),
    };
    if (st.isDirectory()) {
      const subtree = await this.dir(path, parent?.type === 'dir' ? parent.subtree : undefined);
      if (subtree === undefined) return undefined;
      this.stats.dirs++;
      return { ...base, type: 'dir', subtree };
    }
    if (st.isSymbolicLink()) {
      try {
        return { ...base, type: 'symlink', linkTarget: await readlink(path) };
      } catch (e) {
        this.warn(path, e);
        return undefined;
      }
    }
    if (st.isFile()) {
      const size = Number(st.size);
      const limiter = size < SMALL_FILE ? this.smallFiles : this.largeFiles;
      return limiter.run(() => this.file(path, base, size, parent));
    }
    this.stats.warnings.push(`${path}: skipped (not a regular file, directory or symlink)`);
    return undefined;
  }

  private async dir(path: string, parentTreeId: string | undefined): Promise<string | undefined> {
    let names: string[];
    try {
      names = (await readdir(path)).sort();
    } catch (e) {
      this.warn(path, e);
      return undefined;
    }
    const parentNodes = new Map<string, TreeNode>();
    if (parentTreeId && !this.opts.forceReread) {
      try {
        for (const n of (await this.repo.loadTree(parentTreeId)).nodes) parentNodes.set(n.name, n);
      } catch {
        // a damaged parent only costs re-reading
      }
    }
    // Bounded per directory, so a tree of 50k files does not become 50k pending promises at once.
    const nodes = await mapLimit(names, DIR_FANOUT, (n) => this.node(join(path, n), n, parentNodes.get(n)));
    return this.saveTree(nodes.filter((n): n is TreeNode => n !== undefined));
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

  private async file(
    path: string,
    base: TreeNode,
    size: number,
    parent: TreeNode | undefined,
  ): Promise<TreeNode | undefined> {
    if (this.unchanged(base, size, parent)) {
      this.stats.files++;
      this.stats.bytes += size;
      this.meter.addBytes(size, path);
      this.meter.addFile();
      return { ...base, size, content: parent.content ?? [] };
    }
    if (size <= INLINE_FILE) return this.smallFile(path, base);
    const saves: Promise<SaveResult>[] = [];
    let settled = 0;
    let read = 0;
    try {
      for await (const chunk of chunkFile(path, this.repo.chunker, this.repo.gear, {
        signal: this.opts.signal,
        readSize: READ_SIZE,
      })) {
        read += chunk.length;
        saves.push(this.packer.saveChunk(BlobType.Data, chunk));
        if (saves.length - settled > MAX_PENDING_PER_FILE) await saves[settled++];
        this.meter.addBytes(chunk.length, path);
      }
    } catch (e) {
      await Promise.allSettled(saves);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') {
        this.warn(path, e);
        return undefined;
      }
      throw e;
    }
    const content = (await Promise.all(saves)).map((r) => r.id);
    if (read !== size)
      this.stats.warnings.push(`${path}: changed while being read (${size} -> ${read} bytes)`);
    this.stats.files++;
    this.stats.bytes += read;
    this.meter.addFile();
    return { ...base, size: read, content };
  }

  /**
   * Files up to INLINE_FILE are one chunk: read in one synchronous call (microseconds; four async
   * round trips through the thread pool cost more) and hashed and sealed on this thread.
   */
  private async smallFile(path: string, base: TreeNode): Promise<TreeNode | undefined> {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      this.warn(path, e);
      return undefined;
    }
    const content = data.length === 0 ? [] : [(await this.packer.save(BlobType.Data, data)).id];
    this.stats.files++;
    this.stats.bytes += data.length;
    this.meter.addBytes(data.length, path);
    this.meter.addFile();
    return { ...base, size: data.length, content };
  }

  private warn(path: string, e: unknown): void {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const what =
      code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'vanished' : code;
    this.stats.warnings.push(`${path}: skipped (${what})`);
  }
}

export function emptyTree(): Tree {
  return { nodes: [] };
}
