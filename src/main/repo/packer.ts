/**
 * The blob saver: dedups against the index and blobs in flight, seals new blobs (compression on
 * libuv's thread pool), fills packs up to TARGET_PACK_SIZE and uploads them with bounded
 * concurrency. Memory is bounded: at most `maxSealing` blobs being sealed and `maxUploads` packs
 * in flight (plus the pack being filled). `flush()` uploads the last pack and surfaces any error.
 */
import { blobId } from '../crypto/keys.js';
import { AppError, throwIfAborted } from '../platform/errors.js';
import type { Storage } from '../storage/port.js';
import { sealBlob } from './blob.js';
import { BlobType, TARGET_PACK_SIZE } from './format.js';
import { collectAfter, MAIN_GC } from './gc.js';
import type { MasterIndex } from './index-store.js';
import { MemoryPack, type OpenPack, type RunBlob, StreamedPack } from './pack-writer.js';
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
  /** The pack being filled per blob type: trees get packs of their own (small, read together). */
  private readonly current = new Map<BlobType, OpenPack>();
  private readonly opening = new Map<BlobType, Promise<OpenPack>>();
  private readonly uploads = new Set<Promise<void>>();
  /** Buffer of an uploaded in-memory pack, reused for the next one (big allocations are slow to free). */
  private spare: Buffer | undefined;
  private readonly sealing: Semaphore;
  private readonly uploadSlots: Semaphore;
  private readonly maxUploads: number;
  private waitingForSlot = 0;
  private abandoned = false;
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
    this.maxUploads = opts.maxUploads ?? storage.putConcurrency ?? 2;
    this.uploadSlots = new Semaphore(this.maxUploads);
  }

  has(id: string): boolean {
    return this.index.has(id) || this.inFlight.has(id);
  }

  /** The pack being filled, opened on first use (a temp file where the storage streams). */
  private open(type: BlobType): OpenPack | Promise<OpenPack> {
    // After abandon(), late deliveries (a worker finishing a part) must not start a new pack.
    if (this.abandoned) throw new AppError('CANCELLED', 'The backup was stopped.');
    const cur = this.current.get(type);
    if (cur) return cur;
    if (!this.storage.openWriter) {
      const pack = new MemoryPack(
        this.storage,
        type === BlobType.Data ? this.takeSpare() : undefined,
        (b) => {
          if (type === BlobType.Data) this.spare = b;
        },
      );
      this.current.set(type, pack);
      return pack;
    }
    let opening = this.opening.get(type);
    if (!opening) {
      opening = this.storage.openWriter({ signal: this.signal }).then(
        (w) => {
          this.opening.delete(type);
          const pack = new StreamedPack(w);
          this.current.set(type, pack);
          return pack;
        },
        (e) => {
          this.opening.delete(type);
          throw e;
        },
      );
      this.opening.set(type, opening);
    }
    return opening;
  }

  private takeSpare(): Buffer | undefined {
    const b = this.spare;
    this.spare = undefined;
    return b;
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
      await this.addSealed(type, id, b.sealed, b.rawLength);
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
        await this.addSealed(type, h.id, b.sealed, b.rawLength);
      } catch (e) {
        this.inFlight.delete(h.id);
        throw e;
      }
      return { id: h.id, added: true };
    } finally {
      this.sealing.give();
    }
  }

  /** Marks `id` as being stored by the caller; false when it is stored or in flight already. */
  claim(id: string): boolean {
    if (this.error) throw this.error;
    if (this.has(id)) return false;
    this.inFlight.add(id);
    return true;
  }

  /** Gives back a claim whose blob will not be delivered (its sealing failed). */
  unclaim(id: string): void {
    this.inFlight.delete(id);
  }

  /** Adds one blob sealed elsewhere (it must not change afterwards); a full pack is stored. */
  private async addSealed(type: BlobType, id: string, sealed: Uint8Array, rawLength: number): Promise<void> {
    const pack = await this.open(type);
    pack.add(type, id, sealed, rawLength);
    this.addedBytes += rawLength;
    if (pack.bytes >= TARGET_PACK_SIZE) await this.rotate(type);
  }

  /**
   * Adds claimed blobs sealed by a worker, back to back in `data`; resolves when `data` may be
   * reused (written out, or copied into the pack).
   */
  async addSealedRun(type: BlobType, blobs: RunBlob[], data: Uint8Array): Promise<void> {
    if (blobs.length === 0) return;
    const pack = await this.open(type);
    const done = pack.addRun(type, blobs, data);
    for (const b of blobs) this.addedBytes += b.rawLength;
    if (pack.bytes >= TARGET_PACK_SIZE) this.rotate(type).catch((e) => (this.error ??= e));
    await done;
  }

  /**
   * Resolves when the packs being stored are within bounds, so a producer that asks before making
   * more sealed data keeps memory bounded. Throws the first storage error.
   */
  async room(): Promise<void> {
    while (this.uploads.size > 0 && this.waitingForSlot + this.uploads.size > this.maxUploads) {
      await Promise.race([...this.uploads]);
    }
    if (this.error) throw this.error;
  }

  private async rotate(type: BlobType): Promise<void> {
    const pack = this.current.get(type);
    if (!pack) return;
    this.current.delete(type);
    if (pack.count === 0) {
      await pack.discard();
      return;
    }
    this.waitingForSlot++;
    await this.uploadSlots.take();
    this.waitingForSlot--;
    const p = this.upload(pack).finally(() => {
      this.uploadSlots.give();
      this.uploads.delete(p);
    });
    this.uploads.add(p);
  }

  private async upload(pack: OpenPack): Promise<void> {
    try {
      const { id, size, entries } = await pack.store(this.keys.enc, this.signal);
      this.storedBytes += size;
      this.packsWritten++;
      collectAfter(size, MAIN_GC);
      this.index.addPack(id, entries);
      for (const e of entries) this.inFlight.delete(e.id);
    } catch (e) {
      this.error ??= e;
      await pack.discard().catch(() => {});
    }
  }

  /** Stores everything pending; throws the first storage error. */
  async flush(): Promise<void> {
    await Promise.all([...this.opening.values()].map((p) => p.catch(() => undefined)));
    for (const type of [...this.current.keys()]) await this.rotate(type);
    while (this.uploads.size > 0) await Promise.all([...this.uploads]);
    if (this.error) throw this.error;
  }

  /** Removes a partly written pack (after a failure or cancel: nothing of it becomes visible). */
  async abandon(): Promise<void> {
    this.abandoned = true;
    await Promise.all([...this.opening.values()].map((p) => p.catch(() => undefined)));
    const packs = [...this.current.values()];
    this.current.clear();
    for (const pack of packs) await pack.discard().catch(() => {});
    while (this.uploads.size > 0) await Promise.allSettled([...this.uploads]);
  }
}
