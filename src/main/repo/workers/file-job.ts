/**
 * The worker side of a file job (see protocol.ts): read -> chunk -> HMAC id, in parts of about
 * PART_BYTES; while the main thread decides which chunks of part k are new, part k+1 is read.
 * Memory per job: the part being filled plus the one awaiting its decision. Files are read into
 * reusable slabs (chunks are views of them) and sealed straight into a reusable output buffer
 * that the main thread sends back after packing it, so steady state allocates little.
 * Per-file errors (vanished, permission) are reported in `ends` and the job goes on.
 * A followed job (one file that another process is still writing, e.g. pg_dump's table data) reads
 * what is there, waits at the end, and ends at the end once the main thread says it is complete.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { blobId } from '../../crypto/keys.js';
import { maxSealedLength, sealBlobInto } from '../blob.js';
import { Chunker, type ChunkerParams } from '../chunker.js';
import { collectAfter, WORKER_GC } from '../gc.js';
import { countNewlines } from '../gear-scan.js';
import type { FileEnd, FilesRequest, Response } from './protocol.js';

const SLAB = 2 * 1024 * 1024;
const PART_BYTES = SLAB;
const MIN_READ = 4 * 1024;
/** A followed file is read once this much has been written past the last read (or it is complete). */
const FOLLOW_BLOCK = 1024 * 1024;
const FOLLOW_POLL_MS = 5;
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
  /** A followed job: the most bytes written and not yet read when it read for this part. */
  lag: number;
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
  lag: 0,
  ids: [],
  lens: [],
  owners: [],
  ends: [],
  chunks: [],
  bytes: 0,
  slabs: [],
  slabUsed: 0,
});

export class FileJobs {
  private readonly decisions = new Map<string, (seal: Uint8Array) => void>();
  private readonly freeSlabs: Buffer[] = [];
  private readonly freeOut: ArrayBuffer[] = [];
  private lent = 0;
  private readonly returned: (() => void)[] = [];
  /** Followed jobs while they run: still being written, complete, or cancelled. */
  private readonly following = new Map<number, 'writing' | 'complete' | 'cancel'>();

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

  /** A followed job's file is complete, or the job is cancelled. */
  follow(seq: number, end: 'complete' | 'cancel'): void {
    const now = this.following.get(seq);
    if (now !== undefined && now !== 'cancel') this.following.set(seq, end);
  }

  /**
   * A followed file: waits until a good block is there to read (or the file is complete) and
   * returns how much there is to read (all of it); 0 at the end of a complete file. Throws ECANCELED.
   */
  private async followable(seq: number, fd: number, read: number): Promise<number> {
    for (;;) {
      // Sampled before the size: if the writer had finished then, the size is final.
      const end = this.following.get(seq);
      if (end === 'cancel') throw Object.assign(new Error('cancelled'), { code: 'ECANCELED' });
      const there = fstatSync(fd).size - read;
      if (there <= 0 && end === 'complete') return 0;
      // While the writer is going, wait for a good block: many small reads would make most chunks
      // span several of them (and be copied together by the chunker).
      if (there >= FOLLOW_BLOCK || (there > 0 && end === 'complete')) return there;
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
    }
  }

  /** An output buffer the main thread has finished with. */
  recycle(buf: ArrayBuffer): void {
    this.lent = Math.max(0, this.lent - 1);
    this.returned.shift()?.();
    keepLargest(this.freeOut, buf);
  }

  async run(m: FilesRequest): Promise<void> {
    const chunker = new Chunker(this.params, this.gear);
    let part = newPart();
    let partNo = 0;
    let sealing: Promise<void> = Promise.resolve();
    const send = async () => {
      const p = part;
      const no = partNo++;
      part = newPart();
      // The incomplete chunk must not keep the sent part's slabs (they are reused once sealed).
      if (chunker.pendingLength > 0) this.newSlab(part, chunker);
      const decided = new Promise<Uint8Array>((r) => this.decisions.set(`${m.seq}:${no}`, r));
      this.reply({
        op: 'part',
        seq: m.seq,
        part: no,
        ids: p.ids,
        lens: p.lens,
        owners: p.owners,
        ends: p.ends,
        ...(m.follow ? { lag: p.lag } : {}),
      });
      // Bound: the previous part must be sealed before this job reads on.
      await sealing;
      sealing = decided.then((mask) => this.sealPart(m.seq, no, p, mask));
      sealing.catch(() => undefined); // awaited later; this only marks it handled meanwhile
    };
    if (m.follow) this.following.set(m.seq, 'writing');
    try {
      for (let fi = 0; fi < m.files.length; fi++) {
        const f = m.files[fi]!;
        let fd: number;
        try {
          fd = f.fd ?? openSync(f.path, 'r');
        } catch (e) {
          part.ends.push(errorEnd(fi, 0, e));
          continue;
        }
        let read = 0;
        let lines = 0;
        try {
          for (;;) {
            // One byte more than the size says is left: a short read ends the file without a second read.
            let want: number;
            if (m.follow) {
              const there = await this.followable(m.seq, fd, read);
              part.lag = Math.max(part.lag, there);
              want = Math.min(there, SLAB);
            } else want = Math.min(SLAB, Math.max(f.size - read + 1, MIN_READ));
            if (want === 0) break;
            const buf = this.space(part, chunker, want);
            const n = readSync(fd, buf, 0, buf.length, read);
            read += n;
            part.slabUsed += n;
            if (m.countLines && n > 0) lines += countNewlines(buf.subarray(0, n));
            if (n > 0) this.add(part, fi, chunker.push(buf.subarray(0, n)));
            if (n < buf.length && !m.follow) break;
            if (part.bytes >= PART_BYTES) await send();
          }
          this.add(part, fi, chunker.finish());
          part.ends.push(m.countLines ? [fi, read, lines] : [fi, read]);
        } catch (e) {
          chunker.finish();
          part.ends.push(errorEnd(fi, read, e));
        } finally {
          if (f.fd === undefined) closeSync(fd);
        }
        if (part.bytes >= PART_BYTES) await send();
      }
    } finally {
      this.following.delete(m.seq);
    }
    await send();
    await sealing;
    this.reply({ op: 'filesDone', seq: m.seq });
  }

  /**
   * Room for a read of up to `want` bytes in the part's current slab: all of it, or at least half
   * a slab; else a new slab, to whose front the chunker's incomplete chunk moves, so the bytes read
   * next join it and every chunk lies whole in one slab (the chunker never copies it into fresh
   * memory, which costs a page fault per 4 KiB on a VM).
   */
  private space(part: Part, chunker: Chunker, want: number): Buffer {
    let slab = part.slabs.at(-1);
    if (!slab || slab.length - part.slabUsed < Math.min(want, SLAB / 2)) slab = this.newSlab(part, chunker);
    return slab.subarray(part.slabUsed, part.slabUsed + Math.min(want, slab.length - part.slabUsed));
  }

  /** A slab with room for the incomplete chunk plus half a slab; the chunk moves to its front. */
  private newSlab(part: Part, chunker: Chunker): Buffer {
    const need = chunker.pendingLength + SLAB / 2;
    let best = -1;
    for (let i = 0; i < this.freeSlabs.length; i++) {
      const len = this.freeSlabs[i]!.length;
      if (len >= need && (best < 0 || len < this.freeSlabs[best]!.length)) best = i;
    }
    const slab =
      best >= 0 ? this.freeSlabs.splice(best, 1)[0]! : Buffer.allocUnsafeSlow(Math.ceil(need / SLAB) * SLAB);
    part.slabs.push(slab);
    part.slabUsed = chunker.moveInto(slab);
    return slab;
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
    for (const s of p.slabs) keepLargest(this.freeSlabs, s);
    p.slabs = [];
    p.chunks = [];
    const data = out.subarray(0, off);
    this.reply({ op: 'sealedPart', seq, part: no, data, lengths }, [out.buffer as ArrayBuffer]);
    collectAfter(p.bytes, WORKER_GC);
  }

  /**
   * A buffer for a part's sealed chunks: the smallest free one that fits the bound, else a new one
   * rounded up to whole slabs (bounds vary with the part's chunks, so kept buffers fit later parts).
   * Not zero-filled: the bound assumes incompressible data, and of a compressible part (a table's
   * dump) only the first few KiB are written, so the rest of its pages need never be touched.
   * Zeroing reused heap memory touched them all (a page fault per 4 KiB): in one perf run of a
   * database backup, memset in the worker took 17% of the process's page faults.
   */
  private output(bound: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.freeOut.length; i++) {
      const len = this.freeOut[i]!.byteLength;
      if (len >= bound && (best < 0 || len < this.freeOut[best]!.byteLength)) best = i;
    }
    if (best >= 0) return new Uint8Array(this.freeOut.splice(best, 1)[0]!);
    const size = Math.ceil(Math.max(bound, PART_BYTES + 64 * 1024) / SLAB) * SLAB;
    return new Uint8Array(Buffer.allocUnsafeSlow(size).buffer);
  }
}

/** Keeps a buffer for reuse: up to KEEP_FREE, the largest (a smaller one is dropped). */
function keepLargest<T extends { byteLength: number }>(free: T[], buf: T): void {
  if (free.length < KEEP_FREE) {
    free.push(buf);
    return;
  }
  let smallest = 0;
  for (let i = 1; i < free.length; i++) if (free[i]!.byteLength < free[smallest]!.byteLength) smallest = i;
  if (buf.byteLength > free[smallest]!.byteLength) free[smallest] = buf;
}

function errorEnd(file: number, read: number, e: unknown): FileEnd {
  const err = e as NodeJS.ErrnoException;
  return [file, read, err.code ?? 'EIO', err.message ?? String(e)];
}
