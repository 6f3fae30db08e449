/**
 * A per-thread scratch buffer: grown on demand and reused, so hot paths do not take fresh memory
 * (a page fault per 4 KiB) for every blob. Bytes taken from it are valid until its next use.
 */
export class Scratch {
  private buf = Buffer.alloc(0);

  /** Kept up to `keep` bytes; a larger request gets a one-off buffer of its own. */
  constructor(private readonly keep = 16 * 1024 * 1024) {}

  /** At least `size` bytes (exactly `size` long). */
  of(size: number): Buffer {
    if (this.buf.length >= size) return this.buf.subarray(0, size);
    const b = Buffer.allocUnsafeSlow(size);
    if (size <= this.keep) this.buf = b;
    return b;
  }
}
