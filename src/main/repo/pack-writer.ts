/**
 * An open pack: sealed blobs are added until it is big enough, then it is stored. Two kinds:
 * - StreamedPack, when the storage can stream an object to its place (local disk): blobs are
 *   written to a temp file as they arrive and the file is renamed into place at the end, so a
 *   pack costs no memory (as restic does it);
 * - MemoryPack otherwise (object stores need the whole body for one PUT): one reusable buffer.
 * Both produce the same bytes (see pack.ts for the layout); the pack id is SHA-256 of all of them.
 */
import { createHash } from 'node:crypto';
import { seal } from '../crypto/aead.js';
import type { ObjectWriter, Storage } from '../storage/port.js';
import { type BlobType, packName } from './format.js';
import { encodePackHeader, PackBuilder, type PackEntry } from './pack.js';

export interface RunBlob {
  id: string;
  length: number;
  rawLength: number;
}

export interface StoredPack {
  id: string;
  size: number;
  entries: PackEntry[];
}

export interface OpenPack {
  readonly bytes: number;
  readonly count: number;
  /** Adds one sealed blob; `sealed` must not change until the pack is stored. */
  add(type: BlobType, id: string, sealed: Uint8Array, rawLength: number): void;
  /** Adds sealed blobs lying back to back in `data`; resolves when `data` may be reused. */
  addRun(type: BlobType, blobs: RunBlob[], data: Uint8Array): Promise<void>;
  /** Seals the header and stores the pack under its id. */
  store(enc: Buffer, signal?: AbortSignal): Promise<StoredPack>;
  /** Drops a pack that will not be stored (after an error). */
  discard(): Promise<void>;
}

export class MemoryPack implements OpenPack {
  private readonly builder: PackBuilder;
  constructor(
    private readonly storage: Storage,
    reuse: Buffer | undefined,
    private readonly giveBack: (b: Buffer) => void,
  ) {
    this.builder = new PackBuilder(reuse);
  }
  get bytes(): number {
    return this.builder.bytes;
  }
  get count(): number {
    return this.builder.count;
  }
  add(type: BlobType, id: string, sealed: Uint8Array, rawLength: number): void {
    this.builder.add(type, id, sealed, rawLength);
  }
  async addRun(type: BlobType, blobs: RunBlob[], data: Uint8Array): Promise<void> {
    let off = 0;
    for (const b of blobs) {
      this.builder.add(type, b.id, data.subarray(off, off + b.length), b.rawLength);
      off += b.length;
    }
  }
  async store(enc: Buffer, signal?: AbortSignal): Promise<StoredPack> {
    const { id, data, entries, buffer } = this.builder.finish(enc);
    await this.storage.put(packName(id), data, signal ? { signal } : {});
    // put() has resolved: the storage holds no reference to the bytes any more.
    this.giveBack(buffer);
    return { id, size: data.length, entries };
  }
  async discard(): Promise<void> {}
}

export class StreamedPack implements OpenPack {
  private readonly hash = createHash('sha256');
  private readonly entries: PackEntry[] = [];
  private readonly writes = new Set<Promise<void>>();
  private size = 0;
  private failed: unknown;

  constructor(private readonly writer: ObjectWriter) {}

  get bytes(): number {
    return this.size;
  }
  get count(): number {
    return this.entries.length;
  }
  private write(data: Uint8Array): Promise<void> {
    const at = this.size;
    this.size += data.length;
    this.hash.update(data);
    const w = this.writer.writeAt(data, at).catch((e) => {
      this.failed ??= e;
    });
    this.writes.add(w);
    void w.then(() => this.writes.delete(w));
    return w;
  }

  add(type: BlobType, id: string, sealed: Uint8Array, rawLength: number): void {
    this.entries.push({ type, id, offset: this.size, length: sealed.length, rawLength });
    void this.write(sealed);
  }

  addRun(type: BlobType, blobs: RunBlob[], data: Uint8Array): Promise<void> {
    let off = this.size;
    for (const b of blobs) {
      this.entries.push({ type, id: b.id, offset: off, length: b.length, rawLength: b.rawLength });
      off += b.length;
    }
    return this.write(data);
  }

  async store(enc: Buffer, signal?: AbortSignal): Promise<StoredPack> {
    const sealedHeader = seal(enc, encodePackHeader(this.entries), Buffer.from('pack-header'));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(sealedHeader.length);
    this.write(sealedHeader);
    this.write(len);
    while (this.writes.size > 0) await Promise.all([...this.writes]);
    if (this.failed) {
      await this.discard();
      throw this.failed;
    }
    const id = this.hash.digest('hex');
    await this.writer.commit(packName(id), signal ? { signal } : {});
    return { id, size: this.size, entries: this.entries };
  }

  async discard(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
    await this.writer.abort();
  }
}
