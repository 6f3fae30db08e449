/**
 * The master index: blob id -> where it lives. Loaded from every `index/<id>` object at open,
 * extended as packs are uploaded, and saved as new index objects (write-once) at the end of a
 * backup. `supersedes` lets prune replace old index objects with one complete new one.
 */
import { AppError } from '../platform/errors.js';
import type { Storage } from '../storage/port.js';
import type { BlobType } from './format.js';
import { isId } from './format.js';
import { openJson, putContentAddressed } from './objects.js';
import type { PackEntry } from './pack.js';

export interface BlobLocation {
  pack: string;
  type: BlobType;
  offset: number;
  length: number;
  rawLength: number;
}

type IndexFileEntry = [type: BlobType, id: string, offset: number, length: number, rawLength: number];
interface IndexFile {
  version: 1;
  supersedes?: string[];
  packs: { id: string; blobs: IndexFileEntry[] }[];
}

export class MasterIndex {
  private readonly blobs = new Map<string, BlobLocation>();
  /** Per pack: the blob types it holds (bit 1 << type), to tell tree-only packs apart. */
  private readonly packTypes = new Map<string, number>();
  /** Packs added since the last save, not yet in any index object. */
  private unsaved: { id: string; entries: PackEntry[] }[] = [];
  readonly files = new Set<string>();

  has(id: string): boolean {
    return this.blobs.has(id);
  }
  /** True when every blob of `pack` known to the index is of `type` (e.g. a tree pack). */
  packHoldsOnly(pack: string, type: BlobType): boolean {
    return this.packTypes.get(pack) === 1 << type;
  }
  private noteType(pack: string, type: BlobType): void {
    this.packTypes.set(pack, (this.packTypes.get(pack) ?? 0) | (1 << type));
  }
  get(id: string): BlobLocation | undefined {
    return this.blobs.get(id);
  }
  get size(): number {
    return this.blobs.size;
  }
  entries(): IterableIterator<[string, BlobLocation]> {
    return this.blobs.entries();
  }
  packs(): Map<string, { id: string; loc: BlobLocation }[]> {
    const m = new Map<string, { id: string; loc: BlobLocation }[]>();
    for (const [id, loc] of this.blobs) {
      let l = m.get(loc.pack);
      if (!l) {
        l = [];
        m.set(loc.pack, l);
      }
      l.push({ id, loc });
    }
    return m;
  }

  addPack(pack: string, entries: PackEntry[], persist = true): void {
    for (const e of entries) {
      this.noteType(pack, e.type);
      this.blobs.set(e.id, {
        pack,
        type: e.type,
        offset: e.offset,
        length: e.length,
        rawLength: e.rawLength,
      });
    }
    if (persist) this.unsaved.push({ id: pack, entries });
  }

  async load(storage: Storage, enc: Buffer, signal?: AbortSignal): Promise<void> {
    const names: string[] = [];
    for await (const o of storage.list('index/', { signal })) names.push(o.name.slice('index/'.length));
    const loaded = await mapLimit(names.filter(isId), 8, async (id) => {
      const box = await storage.get(`index/${id}`, { signal });
      return { id, file: await openJson<IndexFile>(enc, 'index', box, `index ${id.slice(0, 12)}`) };
    });
    const superseded = new Set(loaded.flatMap((l) => l.file.supersedes ?? []));
    for (const { id, file } of loaded) {
      if (file.version !== 1) {
        throw new AppError('UNSUPPORTED_FORMAT', `Index ${id.slice(0, 12)} has version ${file.version}.`);
      }
      this.files.add(id);
      if (superseded.has(id)) continue;
      for (const p of file.packs) {
        for (const [type, bid, offset, length, rawLength] of p.blobs) {
          this.blobs.set(bid, { pack: p.id, type, offset, length, rawLength });
          this.noteType(p.id, type);
        }
      }
    }
  }

  /** Writes the packs added since the last save as one new index object. */
  async save(storage: Storage, enc: Buffer, signal?: AbortSignal): Promise<string | undefined> {
    if (this.unsaved.length === 0) return undefined;
    const file: IndexFile = {
      version: 1,
      packs: this.unsaved.map((p) => ({
        id: p.id,
        blobs: p.entries.map((e) => [e.type, e.id, e.offset, e.length, e.rawLength] as IndexFileEntry),
      })),
    };
    const id = await putContentAddressed(storage, enc, 'index', 'index', file, signal);
    this.unsaved = [];
    this.files.add(id);
    return id;
  }

  /** Writes one complete index replacing `supersedes` (prune). */
  async saveFull(storage: Storage, enc: Buffer, supersedes: string[], signal?: AbortSignal): Promise<string> {
    const packs = this.packs();
    const file: IndexFile = {
      version: 1,
      supersedes,
      packs: [...packs].map(([id, blobs]) => ({
        id,
        blobs: blobs.map(
          (b) => [b.loc.type, b.id, b.loc.offset, b.loc.length, b.loc.rawLength] as IndexFileEntry,
        ),
      })),
    };
    const id = await putContentAddressed(storage, enc, 'index', 'index', file, signal);
    this.unsaved = [];
    this.files.add(id);
    return id;
  }

  deletePackEntries(pack: string): void {
    for (const [id, loc] of this.blobs) if (loc.pack === pack) this.blobs.delete(id);
    this.packTypes.delete(pack);
  }
}

export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (t: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
