/**
 * The blob saver: dedups against the index and blobs in flight, seals new blobs (compression on
 * libuv's thread pool), fills packs up to TARGET_PACK_SIZE and uploads them with bounded
 * concurrency. Memory is bounded: at most `maxSealing` blobs being sealed and `maxUploads` packs
 * in flight (plus the pack being filled). `flush()` uploads the last pack and surfaces any error.
 */
import { blobId } from '../crypto/keys.js';
import { throwIfAborted } from '../platform/errors.js';
import type { Storage } from '../storage/port.js';
import { sealBlob } from './blob.js';
import { type BlobType, packName, TARGET_PACK_SIZE } from './format.js';
import type { MasterIndex } from './index-store.js';
import { PackBuilder } from './pack.js';
import type { CryptoPool } from './workers/pool.js';

class Semaphore {
  private waiters: (() => void)[] = [];
  constructor(private free: number) {}
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((r) => this.waiters.push(r));
  }
  give(): void {
    const w = this.waiters.shift();
    if (w) w();
    else this.free++;
  }
}

export interface SaveResult {
  id: string;
  /** True when this call stored new bytes (false: already in the repository or in flight). */
  added: boolean;
}

export class Packer {
  private readonly inFlight = new Set<string>();
  private current = new PackBuilder();
  private readonly uploads = new Set<Promise<void>>();
  private readonly sealing: Semaphore;
  private readonly uploadSlots: Semaphore;
  private error: unknown;
  addedBytes = 0;
  storedBytes = 0;
  packsWritten = 0;

  constructor(
    private readonly storage: Storage,
    private readonly keys: { enc: Buffer; mac: Buffer },
    private readonly index: MasterIndex,
    private readonly signal?: AbortSignal,
    private readonly pool?: CryptoPool,
    opts: { maxSealing?: number; maxUploads?: number } = {},
  ) {
    this.sealing = new Semaphore(opts.maxSealing ?? 4);
    this.uploadSlots = new Semaphore(opts.maxUploads ?? 2);
  }

  has(id: string): boolean {
    return this.index.has(id) || this.inFlight.has(id);
  }

  /** Stores a blob unless present. Resolves once it is in a pack (uploaded at flush at the latest). */
  async save(type: BlobType, plain: Uint8Array, knownId?: string): Promise<SaveResult> {
    if (this.error) throw this.error;
    throwIfAborted(this.signal);
    const id = knownId ?? blobId(this.keys.mac, plain);
    if (this.has(id)) return { id, added: false };
    this.inFlight.add(id);
    await this.sealing.take();
    try {
      const b = await sealBlob(this.keys, plain, id);
      this.current.add(type, id, b.sealed, b.rawLength);
      this.addedBytes += b.rawLength;
      if (this.current.bytes >= TARGET_PACK_SIZE) await this.rotate();
    } catch (e) {
      this.inFlight.delete(id);
      throw e;
    } finally {
      this.sealing.give();
    }
    return { id, added: true };
  }

  /**
   * Stores a data chunk through the worker pool: the worker computes the id; the chunk is sealed
   * there only if it is new. Without a pool, the same work runs here (save()).
   */
  async saveChunk(type: BlobType, plain: Uint8Array): Promise<SaveResult> {
    if (!this.pool) return this.save(type, plain);
    if (this.error) throw this.error;
    throwIfAborted(this.signal);
    await this.sealing.take();
    try {
      const h = await this.pool.hash(plain);
      if (this.has(h.id)) {
        h.drop();
        return { id: h.id, added: false };
      }
      this.inFlight.add(h.id);
      try {
        const b = await h.seal();
        this.current.add(type, h.id, b.sealed, b.rawLength);
        this.addedBytes += b.rawLength;
      } catch (e) {
        this.inFlight.delete(h.id);
        throw e;
      }
      if (this.current.bytes >= TARGET_PACK_SIZE) await this.rotate();
      return { id: h.id, added: true };
    } finally {
      this.sealing.give();
    }
  }

  private async rotate(): Promise<void> {
    const pack = this.current;
    this.current = new PackBuilder();
    if (pack.count === 0) return;
    await this.uploadSlots.take();
    const p = this.upload(pack).finally(() => {
      this.uploadSlots.give();
      this.uploads.delete(p);
    });
    this.uploads.add(p);
  }

  private async upload(pack: PackBuilder): Promise<void> {
    try {
      const { id, data, entries } = pack.finish(this.keys.enc);
      await this.storage.put(packName(id), data, { signal: this.signal });
      this.storedBytes += data.length;
      this.packsWritten++;
      this.index.addPack(id, entries);
      for (const e of entries) this.inFlight.delete(e.id);
    } catch (e) {
      this.error ??= e;
    }
  }

  /** Uploads everything pending; throws the first upload error. */
  async flush(): Promise<void> {
    await this.rotate();
    while (this.uploads.size > 0) await Promise.all([...this.uploads]);
    if (this.error) throw this.error;
  }
}
