/**
 * LocalStorage: objects as files under a root directory (a local disk, a mounted NAS share).
 *
 * put is write-once and atomic: the bytes go to a temp file in the target directory, are fsynced,
 * then hard-linked to the final name. link(2) fails with EEXIST atomically when the name exists,
 * so ALREADY_EXISTS is exact even with concurrent writers; the temp file is then unlinked and the
 * directory fsynced so the new entry survives a crash. Temp names start with '.', which no object
 * name may, so list never shows them. (Filesystems without hard links, e.g. some SMB mounts, fail
 * with PERMISSION_DENIED/ENOTSUP: use a proper mount or an object store.)
 * A name cannot be both an object and a "directory" of other objects (e.g. "a" and "a/b"); the
 * repository's names never collide that way.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, link, mkdir, open, opendir, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { StorageError } from './errors.js';
import {
  assertValidName,
  type CallOptions,
  type GetOptions,
  NAME_SEGMENT,
  type ObjectInfo,
  type ObjectWriter,
  type Storage,
} from './port.js';
import { assertValidPrefix, checkRange, throwIfCancelled } from './util.js';

const CHUNK = 1 << 20;

function errnoOf(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

export class LocalStorage implements Storage {
  readonly location: string;
  readonly putConcurrency = 1;
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
    this.location = this.root;
  }

  private pathOf(name: string): string {
    assertValidName(name);
    return join(this.root, ...name.split('/'));
  }

  /** Maps a filesystem error to a StorageError naming the path (never file contents). */
  private mapError(e: unknown, what: string, path: string): StorageError {
    if (e instanceof StorageError) return e;
    const code = errnoOf(e);
    const opts = { cause: e };
    switch (code) {
      case 'ENOENT':
      case 'ENOTDIR':
      case 'EISDIR':
        return new StorageError('NOT_FOUND', `${what}: ${path} does not exist.`, opts);
      case 'EEXIST':
        return new StorageError('ALREADY_EXISTS', `${what}: ${path} already exists.`, opts);
      case 'ENOSPC':
      case 'EDQUOT':
        return new StorageError('NO_SPACE', `${what}: no space left on the device holding ${path}.`, {
          ...opts,
          hint: 'Free space on that disk (or raise the quota), or prune old snapshots, then retry.',
        });
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return new StorageError('PERMISSION_DENIED', `${what}: permission denied on ${path}.`, {
          ...opts,
          hint: `Check that the user running the backup can read and write ${this.root} (and that it is not mounted read-only).`,
        });
      case 'EAGAIN':
      case 'EBUSY':
      case 'EMFILE':
      case 'ENFILE':
      case 'ETIMEDOUT':
      case 'EIO':
        return new StorageError('TRANSIENT', `${what}: temporary I/O failure (${code}) on ${path}.`, opts);
      default:
        return new StorageError(
          'INTERNAL',
          `${what}: unexpected failure (${code ?? 'unknown'}) on ${path}.`,
          opts,
        );
    }
  }

  async put(name: string, data: Uint8Array, opts?: CallOptions): Promise<void> {
    const final = this.pathOf(name);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    const dir = dirname(final);
    const tmp = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
    let fh: FileHandle | undefined;
    let tmpCreated = false;
    try {
      // A concurrent delete may remove the (empty) directory between mkdir and open: retry.
      let firstCreated: string | undefined;
      for (let attempt = 0; fh === undefined; attempt++) {
        firstCreated = (await this.ensureDir(dir)) ?? firstCreated;
        try {
          fh = await open(tmp, 'wx', 0o600);
        } catch (e) {
          if (errnoOf(e) !== 'ENOENT' || attempt >= 3) throw e;
        }
      }
      tmpCreated = true;
      for (let at = 0; at < data.length; at += CHUNK) {
        throwIfCancelled(signal);
        const end = Math.min(data.length, at + CHUNK);
        let off = at;
        while (off < end) {
          const { bytesWritten } = await fh.write(data, off, end - off);
          off += bytesWritten;
        }
      }
      await fh.sync();
      await fh.close();
      fh = undefined;
      throwIfCancelled(signal);
      await link(tmp, final);
      await unlink(tmp);
      tmpCreated = false;
      await this.syncDirs(dir, firstCreated);
    } catch (e) {
      throw this.mapError(e, 'write', final);
    } finally {
      await fh?.close().catch(() => {});
      if (tmpCreated) await unlink(tmp).catch(() => {});
    }
  }

  /**
   * A streamed object: written to a temp file in the root (same filesystem), fsynced and
   * hard-linked into place by commit, exactly like put.
   */
  async openWriter(opts?: CallOptions): Promise<ObjectWriter> {
    throwIfCancelled(opts?.signal);
    const tmp = join(this.root, `.tmp-${randomBytes(8).toString('hex')}`);
    let fh: FileHandle | undefined;
    try {
      await this.ensureDir(this.root);
      fh = await open(tmp, 'wx', 0o600);
    } catch (e) {
      throw this.mapError(e, 'write', tmp);
    }
    const handle = fh;
    let closed = false;
    const close = async () => {
      if (!closed) {
        closed = true;
        await handle.close().catch(() => {});
      }
    };
    return {
      writeAt: async (data, position) => {
        try {
          for (let off = 0; off < data.length; ) {
            const { bytesWritten } = await handle.write(data, off, data.length - off, position + off);
            off += bytesWritten;
          }
        } catch (e) {
          throw this.mapError(e, 'write', tmp);
        }
      },
      commit: async (name, o) => {
        const final = this.pathOf(name);
        const dir = dirname(final);
        try {
          throwIfCancelled(o?.signal);
          await handle.sync();
          await close();
          const firstCreated = await this.ensureDir(dir);
          await link(tmp, final);
          await unlink(tmp);
          await this.syncDirs(dir, firstCreated);
        } catch (e) {
          await close();
          await unlink(tmp).catch(() => {});
          throw this.mapError(e, 'write', final);
        }
      },
      abort: async () => {
        await close();
        await unlink(tmp).catch(() => {});
      },
    };
  }

  /** Temp files (`.tmp-*`) of writers killed mid-way, in the root and in data/xx directories. */
  async removeStaleWrites(olderThanMs: number, opts?: CallOptions): Promise<number> {
    const dirs = [this.root];
    try {
      for (const e of await readdir(join(this.root, 'data'), { withFileTypes: true })) {
        if (e.isDirectory()) dirs.push(join(this.root, 'data', e.name));
      }
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw this.mapError(e, 'list', join(this.root, 'data'));
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const dir of dirs) {
      throwIfCancelled(opts?.signal);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!name.startsWith('.tmp-')) continue;
        const path = join(dir, name);
        const st = await stat(path).catch(() => undefined);
        if (st?.isFile() && st.mtimeMs < cutoff) {
          await unlink(path).catch(() => {});
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * mkdir -p returning the first directory it created. Node's recursive mkdir reports ENOENT for
   * EROFS/EACCES on some filesystems, so on failure the walk is redone step by step for the real errno.
   */
  private async ensureDir(dir: string): Promise<string | undefined> {
    try {
      return await mkdir(dir, { recursive: true });
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e;
    }
    const chain: string[] = [];
    for (let d = dir; dirname(d) !== d; d = dirname(d)) chain.unshift(d);
    let first: string | undefined;
    for (const d of chain) {
      try {
        await mkdir(d);
        first ??= d;
      } catch (e) {
        if (errnoOf(e) !== 'EEXIST') throw e;
      }
    }
    return first;
  }

  /** fsyncs `dir` and, when mkdir created directories, every parent up to the pre-existing one. */
  private async syncDirs(dir: string, firstCreated: string | undefined): Promise<void> {
    const dirs = [dir];
    if (firstCreated !== undefined) {
      let d = dir;
      while (d !== dirname(firstCreated) && d.length > 1) {
        d = dirname(d);
        dirs.push(d);
      }
    }
    for (const d of dirs) {
      const h = await open(d, 'r');
      try {
        await h.sync();
      } finally {
        await h.close();
      }
    }
  }

  async get(name: string, opts?: GetOptions): Promise<Uint8Array> {
    const path = this.pathOf(name);
    const { offset, length } = checkRange(opts);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const st = await fh.stat();
      if (!st.isFile()) throw new StorageError('NOT_FOUND', `read: ${path} does not exist.`);
      const start = Math.min(offset, st.size);
      const end = length === undefined ? st.size : Math.min(st.size, start + length);
      const into = opts?.into;
      const out =
        into && into.length >= end - start ? into.subarray(0, end - start) : new Uint8Array(end - start);
      let done = 0;
      while (done < out.length) {
        throwIfCancelled(signal);
        const n = Math.min(CHUNK, out.length - done);
        const { bytesRead } = await fh.read(out, done, n, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === out.length ? out : out.subarray(0, done);
    } catch (e) {
      throw this.mapError(e, 'read', path);
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  async stat(name: string, opts?: CallOptions): Promise<ObjectInfo> {
    const path = this.pathOf(name);
    throwIfCancelled(opts?.signal);
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new StorageError('NOT_FOUND', `stat: ${path} does not exist.`);
      return { name, size: st.size };
    } catch (e) {
      throw this.mapError(e, 'stat', path);
    }
  }

  async *list(prefix: string, opts?: CallOptions): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const signal = opts?.signal;
    throwIfCancelled(signal);
    const cut = prefix.lastIndexOf('/');
    const base = cut < 0 ? '' : prefix.slice(0, cut);
    yield* this.walk(base, prefix, signal);
  }

  private async *walk(
    rel: string,
    prefix: string,
    signal: AbortSignal | undefined,
  ): AsyncIterable<ObjectInfo> {
    const dir = rel === '' ? this.root : join(this.root, ...rel.split('/'));
    let handle: Awaited<ReturnType<typeof opendir>>;
    try {
      handle = await opendir(dir);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw this.mapError(e, 'list', dir);
    }
    const subdirs: string[] = [];
    try {
      for await (const ent of handle) {
        throwIfCancelled(signal);
        if (!NAME_SEGMENT.test(ent.name)) continue; // temp files and foreign entries
        const name = rel === '' ? ent.name : `${rel}/${ent.name}`;
        if (ent.isDirectory()) {
          if (name.startsWith(prefix) || prefix.startsWith(`${name}/`)) subdirs.push(name);
        } else if (ent.isFile() && name.startsWith(prefix)) {
          try {
            const st = await stat(join(dir, ent.name));
            yield { name, size: st.size };
          } catch (e) {
            if (errnoOf(e) !== 'ENOENT') throw this.mapError(e, 'list', join(dir, ent.name));
          }
        }
      }
    } catch (e) {
      throw this.mapError(e, 'list', dir);
    }
    for (const sub of subdirs) yield* this.walk(sub, prefix, signal);
  }

  async delete(name: string, opts?: CallOptions): Promise<void> {
    const path = this.pathOf(name);
    throwIfCancelled(opts?.signal);
    try {
      await unlink(path);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw this.mapError(e, 'delete', path);
    }
    // Best effort: drop directories the delete left empty, so the tree does not accumulate them.
    let d = dirname(path);
    while (d.startsWith(this.root + sep)) {
      try {
        await rmdir(d);
      } catch {
        break;
      }
      d = dirname(d);
    }
  }
}
