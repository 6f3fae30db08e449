/**
 * Whole packs kept in memory, least recently used dropped past `maxBytes`. Used for tree packs:
 * walking a snapshot reads its trees one by one, and they lie together in a few small packs.
 * Concurrent requests for one pack share a single read; a failed read is not cached.
 */
export class PackCache {
  private readonly packs = new Map<string, Promise<Uint8Array>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly load: (pack: string, signal?: AbortSignal) => Promise<Uint8Array>,
    private readonly maxBytes: number,
  ) {}

  get(pack: string, signal?: AbortSignal): Promise<Uint8Array> {
    const hit = this.packs.get(pack);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.packs.delete(pack);
      this.packs.set(pack, hit);
      return hit;
    }
    const p = this.load(pack, signal).then(
      (data) => {
        this.sizes.set(pack, data.length);
        this.bytes += data.length;
        this.evict(pack);
        return data;
      },
      (e) => {
        this.packs.delete(pack);
        throw e;
      },
    );
    this.packs.set(pack, p);
    return p;
  }

  private evict(keep: string): void {
    for (const name of this.packs.keys()) {
      if (this.bytes <= this.maxBytes) return;
      if (name === keep || !this.sizes.has(name)) continue;
      this.bytes -= this.sizes.get(name)!;
      this.sizes.delete(name);
      this.packs.delete(name);
    }
  }
}
