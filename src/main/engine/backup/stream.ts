/**
 * File nodes as byte streams, both ways.
 * - `StreamTree` (backup): a component produced as streams (a database dump streamed while the
 *   dump tool runs) instead of read from a directory. It receives files as byte streams or as
 *   growing files on disk (read by the crypto workers), chunks them (content-defined, so an
 *   unchanged table dedups day to day like a file would), stores the chunks through the backup's
 *   Packer and finally saves the directory trees, giving the component's subtree id. The tree has
 *   the same shape as one made from the same files on disk, so restore does not care how a
 *   component was made.
 * - `readNodeStream` (restore): a stored file's bytes in order, blob by blob with read-ahead, each
 *   blob verified (AES-GCM tag and id) before it is yielded, so a database restore can feed a dump
 *   tool without writing the file first.
 */
import { open } from 'node:fs/promises';
import { AppError, cancelled, isAppError, throwIfAborted } from '../../platform/errors.js';
import { Chunker } from '../../repo/chunker.js';
import { saveFiles } from '../../repo/file-saver.js';
import { BlobType } from '../../repo/format.js';
import type { Packer, SaveResult } from '../../repo/packer.js';
import type { Repository } from '../../repo/repository.js';
import { encodeTree, type TreeNode } from '../../repo/tree.js';
import { type DumpData, type GrowingFile, isGrowingFile } from '../../sources/sink.js';
import type { ProgressMeter } from '../progress.js';
import type { ArchiveStats } from './archiver.js';

/** What backup() hands a component that produces its own subtree. */
export interface ComponentContext {
  repo: Repository;
  packer: Packer;
  meter: ProgressMeter;
  stats: ArchiveStats;
  /** The snapshot's time, used as every streamed node's mtime. */
  nowNs: string;
  signal?: AbortSignal;
}

/** Chunks being sealed per stream: bounds memory (chunks pin their read buffers). */
const MAX_PENDING = 4;
/** Up to this size a file is one blob, stored without chunking. */
const INLINE_FILE = 64 * 1024;

export class StreamTree {
  private readonly files = new Map<string, TreeNode>();
  private saved = false;

  constructor(private readonly ctx: ComponentContext) {}

  /** Stores one file ('/'-separated path below the component root). */
  async file(path: string, data: DumpData): Promise<void> {
    const parts = path.split('/');
    if (this.saved || parts.some((p) => p === '' || p === '.' || p === '..') || this.files.has(path)) {
      throw new AppError('INTERNAL', `A streamed component cannot take the file "${path}".`);
    }
    const { packer, meter, stats, signal } = this.ctx;
    throwIfAborted(signal);
    let content: string[] = [];
    let size = 0;
    if (isGrowingFile(data)) {
      ({ content, size } = await this.growing(path, data));
    } else if (data instanceof Uint8Array && data.length <= INLINE_FILE) {
      if (data.length > 0) content.push((await packer.save(BlobType.Data, data)).id);
      size = data.length;
      meter.addBytes(size, path);
    } else {
      const chunker = new Chunker(this.ctx.repo.chunker, this.ctx.repo.gear);
      const saves: Promise<SaveResult>[] = [];
      let settled = 0;
      const save = async (chunk: Uint8Array) => {
        saves.push(packer.saveChunk(BlobType.Data, chunk));
        meter.addBytes(chunk.length, path);
        if (saves.length - settled > MAX_PENDING) await saves[settled++];
      };
      try {
        for await (const block of data instanceof Uint8Array ? [data] : data) {
          size += block.length;
          for (const c of chunker.push(block)) await save(c);
        }
        for (const c of chunker.finish()) await save(c);
      } catch (e) {
        await Promise.allSettled(saves);
        throw e;
      }
      for (const r of await Promise.all(saves)) content.push(r.id);
    }
    stats.files++;
    stats.bytes += size;
    meter.addFile(path);
    this.files.set(path, {
      name: parts.at(-1) as string,
      type: 'file',
      mode: 0o600,
      mtimeNs: this.ctx.nowNs,
      size,
      content,
    });
  }

  /**
   * A file on disk, maybe still being written: a worker reads, chunks and hashes it itself (file
   * job in follow mode), so its bytes never pass through this thread; only new chunks come back,
   * sealed, to be packed.
   */
  private async growing(path: string, g: GrowingFile): Promise<{ content: string[]; size: number }> {
    const { repo, packer, meter, signal } = this.ctx;
    const fh = await open(g.path, 'r');
    try {
      await g.opened();
      const [o] = await saveFiles(
        repo.pool(),
        packer,
        [{ path: g.path, size: 0, fd: fh.fd }],
        (n) => meter.addBytes(n, path),
        { complete: g.complete, ...(signal ? { signal } : {}) },
        g.lines !== undefined,
      );
      throwIfAborted(signal);
      if (!o?.ok) {
        if (o?.code === 'ECANCELED') throw cancelled();
        throw new AppError(
          o?.code === 'ENOSPC' ? 'NO_SPACE' : 'SOURCE_FAILED',
          `Could not read the dump file ${path}: ${o?.message ?? 'no result'}.`,
        );
      }
      if (g.lines && o.lines !== undefined) g.lines(o.lines);
      return { content: o.content, size: o.bytes };
    } finally {
      // Not waited for: the file is unlinked, so this last close frees all its pages, ~60 ms for a
      // 300 MiB table here (on a libuv thread), which would otherwise delay the snapshot by as much.
      fh.close().catch(() => {});
    }
  }

  /** Saves the directory trees of every file stored; returns the root tree's id. */
  async save(): Promise<string> {
    this.saved = true;
    interface Dir {
      dirs: Map<string, Dir>;
      files: TreeNode[];
    }
    const root: Dir = { dirs: new Map(), files: [] };
    for (const [path, node] of this.files) {
      const parts = path.split('/');
      let d = root;
      for (const p of parts.slice(0, -1)) {
        let next = d.dirs.get(p);
        if (!next) {
          next = { dirs: new Map(), files: [] };
          d.dirs.set(p, next);
        }
        d = next;
      }
      d.files.push(node);
    }
    const saveDir = async (d: Dir): Promise<string> => {
      const nodes: TreeNode[] = [...d.files];
      for (const [name, sub] of d.dirs) {
        nodes.push({ name, type: 'dir', mode: 0o700, mtimeNs: this.ctx.nowNs, subtree: await saveDir(sub) });
        this.ctx.stats.dirs++;
      }
      return (await this.ctx.packer.save(BlobType.Tree, encodeTree({ nodes }))).id;
    };
    return saveDir(root);
  }
}

/** Blobs read ahead of the consumer (about 1 MiB each). */
const READ_AHEAD = 8;

/**
 * The content of a file node, in order, verified, from byte `start` on (default 0: the blobs before
 * it are not read; their sizes come from the index). INTEGRITY when a blob is missing or damaged.
 */
export async function* readNodeStream(
  repo: Repository,
  node: TreeNode,
  opts: { signal?: AbortSignal; path?: string; start?: number } = {},
): AsyncGenerator<Buffer> {
  let ids = node.content ?? [];
  const what = opts.path ?? node.name;
  /** Bytes to drop from the first blob read. */
  let skip = opts.start ?? 0;
  let first = 0;
  while (skip > 0 && first < ids.length) {
    // A blob missing from the index is loaded (and fails there, with its message).
    const size = repo.index.get(ids[first] as string)?.rawLength;
    if (size === undefined || size > skip) break;
    skip -= size;
    first++;
  }
  ids = ids.slice(first);
  // Repository.loadBlob reads and verifies; its integrity errors are given the file's name here.
  const load = (id: string): Promise<Buffer> =>
    repo.loadBlob(id, opts.signal).catch((e: unknown) => {
      if (!isAppError(e, 'INTEGRITY')) throw e;
      throw new AppError('INTEGRITY', `${what}: ${e.message}`, {
        hint: 'Run `mvono-backup check` and restore from another snapshot or the secondary repository.',
        cause: e,
      });
    });
  const queue: Promise<Buffer>[] = [];
  let next = 0;
  const fill = () => {
    while (queue.length < READ_AHEAD && next < ids.length) {
      const p = load(ids[next++] as string);
      p.catch(() => {}); // observed when its turn comes
      queue.push(p);
    }
  };
  try {
    fill();
    while (queue.length > 0) {
      throwIfAborted(opts.signal);
      let b = await (queue.shift() as Promise<Buffer>);
      fill();
      if (skip > 0) {
        const n = Math.min(skip, b.length);
        b = b.subarray(n);
        skip -= n;
        if (b.length === 0) continue;
      }
      yield b;
    }
  } finally {
    await Promise.allSettled(queue);
  }
}
