/**
 * The worker side of a file job (see protocol.ts): read -> chunk -> HMAC id, in parts of about
 * PART_BYTES; while the main thread decides which chunks of part k are new, part k+1 is read.
 * Memory per job: the part being filled plus the one awaiting its decision. Files are read into
 * reusable slabs (chunks are views of them) and sealed straight into a reusable output buffer
 * that the main thread sends back after packing it, so steady state allocates little.
 * Per-file errors (vanished, permission) are reported in `ends` and the job goes on.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { blobId } from '../../crypto/keys.js';
import { maxSealedLength, sealBlobInto } from '../blob.js';
import { Chunker, type ChunkerParams } from '../chunker.js';
import { collectAfter, WORKER_GC } from '../gc.js';
import type { FileEnd, FilesRequest, Response } from './protocol.js';

const SLAB = 2 * 1024 * 1024;
const PART_BYTES = SLAB;
const MIN_READ = 4 * 1024;
/**
 * Free slabs and sealed-part buffers kept for reuse. Freeing and allocating 2 MiB buffers leaves
 * glibc's heap fragmented: measured peak RSS on the benchmark's first backup 267-295 MiB keeping 1,
 * ~250 keeping 2, 237-248 keeping 4 (6 is no better).
 */
const KEEP_FREE = 4;
/**
 * Sealed-part buffers out at the main thread at once (being packed or written). Without a bound a
 * worker runs ahead of a stalled disk (a pack's fsync) with a new buffer per part: peak memory
 * then depended on the disk's mood.
 */
const MAX_LENT = 3;

interface Part {
  ids: string[];
  lens: number[];
  owners: number[];
  ends: FileEnd[];
  chunks: Uint8Array[];
  bytes: number;
  slabs: Buffer[];
  slabUsed: number;
}

const newPart = (): Part => ({
  ids: [],
  lens: [],
  owners: [],
  ends: [],
  chunks: [],
  bytes: 0,
  slabs: [],
  slabUsed: SLAB,
});

export class FileJobs {
  private readonly decisions = new Map<string, (seal: Uint8Array) => void>();
  private readonly freeSlabs: Buffer[] = [];
  private readonly freeOut: ArrayBuffer[] = [];
  private lent = 0;
  private readonly returned: (() => void)[] = [];

  constructor(
    private readonly keys: { enc: Buffer; mac: Buffer },
    private readonly params: ChunkerParams,
    private readonly gear: Uint32Array,
    private readonly reply: (r: Response, transfer?: ArrayBuffer[]) => void,
  ) {}

  /** The main thread's answer for one part. */
  decide(seq: number, part: number, seal: Uint8Array): void {
    const key = `${seq}:${part}`;
    const d = this.decisions.get(key);
    this.decisions.delete(key);
    d?.(seal);
  }

  /** An output buffer the main thread has finished with. */
  recycle(buf: ArrayBuffer): void {
    this.lent = Math.max(0, this.lent - 1);
    this.returned.shift()?.();
    if (this.freeOut.length < KEEP_FREE) this.freeOut.push(buf);
  }

  async run(m: FilesRequest): Promise<void> {
    const chunker = new Chunker(this.params, this.gear);
    let part = newPart();
    let partNo = 0;
    let sealing: Promise<void> = Promise.resolve();
    const send = async () => {
      chunker.detach(); // the incomplete chunk must not keep this part's slabs
      const p = part;
      const no = partNo++;
      part = newPart();
      const decided = new Promise<Uint8Array>((r) => this.decisions.set(`${m.seq}:${no}`, r));
      this.reply({
        op: 'part',
        seq: m.seq,
        part: no,
        ids: p.ids,
        lens: p.lens,
        owners: p.owners,
        ends: p.ends,
      });
      // Bound: the previous part must be sealed before this job reads on.
      await sealing;
      sealing = decided.then((mask) => this.sealPart(m.seq, no, p, mask));
      sealing.catch(() => undefined); // awaited later; this only marks it handled meanwhile
    };
    for (let fi = 0; fi < m.files.length; fi++) {
      const f = m.files[fi]!;
      let fd: number;
      try {
        fd = openSync(f.path, 'r');
      } catch (e) {
        part.ends.push(errorEnd(fi, 0, e));
        continue;
      }
      let read = 0;
      try {
        for (;;) {
          // One byte more than the size says is left: a short read ends the file without a second read.
          const want = Math.min(SLAB, Math.max(f.size - read + 1, MIN_READ));
          const buf = this.space(part, want);
          const n = readSync(fd, buf, 0, want, read);
          read += n;
          part.slabUsed += n;
          if (n > 0) this.add(part, fi, chunker.push(buf.subarray(0, n)));
          if (n < want) break;
          if (part.bytes >= PART_BYTES) await send();
        }
        this.add(part, fi, chunker.finish());
        part.ends.push([fi, read]);
      } catch (e) {
        chunker.finish();
        part.ends.push(errorEnd(fi, read, e));
      } finally {
        closeSync(fd);
      }
      if (part.bytes >= PART_BYTES) await send();
    }
    await send();
    await sealing;
    this.reply({ op: 'filesDone', seq: m.seq });
  }

  /** `want` free bytes in the part's current slab (a new slab when it has less). */
  private space(part: Part, want: number): Buffer {
    if (SLAB - part.slabUsed < want) {
      part.slabs.push(this.freeSlabs.pop() ?? Buffer.allocUnsafeSlow(SLAB));
      part.slabUsed = 0;
    }
    const slab = part.slabs.at(-1)!;
    return slab.subarray(part.slabUsed, part.slabUsed + want);
  }

  private add(part: Part, owner: number, chunks: Uint8Array[]): void {
    for (const c of chunks) {
      part.ids.push(blobId(this.keys.mac, c));
      part.lens.push(c.length);
      part.owners.push(owner);
      part.chunks.push(c);
      part.bytes += c.length;
    }
  }

  /** Waits until fewer than MAX_LENT sealed-part buffers are out at the main thread. */
  private async lend(): Promise<void> {
    while (this.lent >= MAX_LENT) await new Promise<void>((r) => this.returned.push(r));
    this.lent++;
  }

  /** Seals the chunks the main thread asked for into one buffer (transferred, not copied). */
  private async sealPart(seq: number, no: number, p: Part, mask: Uint8Array): Promise<void> {
    await this.lend();
    let bound = 0;
    for (let i = 0; i < p.chunks.length; i++) if (mask[i] === 1) bound += maxSealedLength(p.lens[i]!);
    const out = this.output(bound);
    const lengths: number[] = [];
    let off = 0;
    try {
      for (let i = 0; i < p.chunks.length; i++) {
        if (mask[i] !== 1) continue;
        const n = sealBlobInto(this.keys, p.chunks[i]!, p.ids[i]!, out, off);
        lengths.push(n);
        off += n;
      }
    } catch (e) {
      this.recycle(out.buffer as ArrayBuffer); // never lent out after all
      throw e;
    }
    for (const s of p.slabs) if (this.freeSlabs.length < KEEP_FREE) this.freeSlabs.push(s);
    p.slabs = [];
    p.chunks = [];
    const data = out.subarray(0, off);
    this.reply({ op: 'sealedPart', seq, part: no, data, lengths }, [out.buffer as ArrayBuffer]);
    collectAfter(p.bytes, WORKER_GC);
  }

  private output(bound: number): Uint8Array {
    const i = this.freeOut.findIndex((b) => b.byteLength >= bound);
    if (i >= 0) return new Uint8Array(this.freeOut.splice(i, 1)[0]!);
    return new Uint8Array(Math.max(bound, PART_BYTES + 64 * 1024));
  }
}

function errorEnd(file: number, read: number, e: unknown): FileEnd {
  const err = e as NodeJS.ErrnoException;
  return [file, read, err.code ?? 'EIO', err.message ?? String(e)];
}
