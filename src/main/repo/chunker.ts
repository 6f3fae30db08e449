/**
 * Content-defined chunking: FastCDC (Xia et al., 2016/2020) with normalized chunking.
 *
 * - 32-bit gear hash `h = (h << 1) + gear[b]`; a cut is declared after byte b when the top bits of h
 *   selected by the mask are zero. Bit k of h depends on the last k+1 bytes, so using the TOP bits
 *   gives a 32-byte effective window.
 * - Cut-point skipping: the first `minSize` bytes of a chunk are not hashed at all.
 * - Normalization level 2: MaskS (log2(avg)+2 bits, harder) while the chunk is shorter than avgSize,
 *   MaskL (log2(avg)-2 bits, easier) after it; forced cut at maxSize.
 * - The gear table comes from a secret 32-byte seed (HMAC-SHA-256), so boundaries, and therefore
 *   chunk sizes, reveal nothing about content to someone without the repository key.
 *
 * FORMAT NOTE: the mask layout, normalization level and gear derivation decide where boundaries
 * fall. Changing any of them does not break correctness but loses deduplication against data
 * already in a repository; bump the derivation label if you ever do.
 *
 * Zero-copy: a chunk that lies within one pushed buffer, or within buffers adjacent in memory, is
 * returned as a view of that memory; only chunks spanning separate buffers are copied. Callers of
 * `push` must therefore not modify a buffer after pushing it. Memory is bounded by maxSize plus the
 * buffers in flight.
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../platform/errors.js';
import { gearScan, gearScanHash } from './gear-scan.js';

export interface ChunkerParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_CHUNKER: ChunkerParams = Object.freeze({
  minSize: 512 * KiB,
  avgSize: 1 * MiB,
  maxSize: 8 * MiB,
});

/** FastCDC normalization level (bits added to MaskS / removed from MaskL). Format-relevant. */
const NORMALIZATION = 2;
const GEAR_LABEL = 'mvono/fastcdc-gear/v1';

/**
 * 256 pseudo-random 32-bit entries: HMAC-SHA-256(seed, label || u32be(block)) for blocks 0..31,
 * each block giving 8 big-endian entries.
 */
export function gearTable(seed: Uint8Array): Uint32Array {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new AppError('INVALID_INPUT', 'The chunker seed must be exactly 32 bytes.', {
      hint: 'Use the chunker seed stored in the repository config.',
    });
  }
  const table = new Uint32Array(256);
  const label = Buffer.from(GEAR_LABEL, 'utf8');
  for (let block = 0; block < 32; block++) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32BE(block, 0);
    const mac = createHmac('sha256', seed).update(label).update(ctr).digest();
    for (let j = 0; j < 8; j++) table[block * 8 + j] = mac.readUInt32BE(j * 4);
  }
  return table;
}

/** A mask selecting the top `bits` bits of a 32-bit value, as an int32. */
function topBitsMask(bits: number): number {
  const b = Math.max(1, Math.min(31, bits));
  return (0xffffffff << (32 - b)) | 0;
}

export function validateChunkerParams(p: ChunkerParams): void {
  const ints = [p.minSize, p.avgSize, p.maxSize].every((v) => Number.isSafeInteger(v) && v > 0);
  if (!ints || p.minSize < 64 || !(p.minSize <= p.avgSize && p.avgSize <= p.maxSize)) {
    throw new AppError(
      'INVALID_INPUT',
      `Invalid chunker parameters (min ${p.minSize}, avg ${p.avgSize}, max ${p.maxSize}).`,
      { hint: 'Sizes must be integers with 64 <= minSize <= avgSize <= maxSize.' },
    );
  }
}

/** Streaming FastCDC chunker. Reusable: after `finish()` it starts a new stream. */
export class Chunker {
  private readonly minSize: number;
  private readonly avgSize: number;
  private readonly maxSize: number;
  private readonly maskS: number;
  private readonly maskL: number;
  /** The gear table as int32, so the hot loop stays in small-integer arithmetic. */
  private readonly gear: Int32Array;
  /** Bytes of the current (incomplete) chunk received in earlier pushes. */
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  private hash = 0;

  constructor(params: ChunkerParams, gear: Uint32Array) {
    validateChunkerParams(params);
    if (!(gear instanceof Uint32Array) || gear.length !== 256) {
      throw new AppError('INVALID_INPUT', 'The gear table must be a Uint32Array of 256 entries.', {
        hint: 'Build it with gearTable(seed).',
      });
    }
    this.minSize = params.minSize;
    this.avgSize = params.avgSize;
    this.maxSize = params.maxSize;
    const bits = Math.round(Math.log2(params.avgSize));
    this.maskS = topBitsMask(bits + NORMALIZATION);
    this.maskL = topBitsMask(bits - NORMALIZATION);
    this.gear = new Int32Array(gear.buffer.slice(gear.byteOffset, gear.byteOffset + 1024));
  }

  /** Feeds bytes; returns zero or more complete chunks. Do not modify `data` afterwards. */
  push(data: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const n = data.length;
    let start = 0;
    while (start < n) {
      const cut = this.findCut(data, start);
      if (cut < 0) break;
      out.push(this.take(data, start, cut));
      start = cut;
    }
    if (start < n) this.addPending(start === 0 ? data : data.subarray(start));
    return out;
  }

  /** Bytes of the incomplete chunk held so far. */
  get pendingLength(): number {
    return this.pendingLen;
  }

  /**
   * Copies the incomplete chunk's bytes to the start of `target` and keeps them there instead;
   * returns their length. Bytes pushed next that follow them in `target` join them without a copy
   * (a reader moves the tail of one buffer to the front of the next and reads on after it).
   */
  moveInto(target: Uint8Array): number {
    let off = 0;
    for (const p of this.pending) {
      target.set(p, off);
      off += p.length;
    }
    this.pending = off > 0 ? [target.subarray(0, off)] : [];
    return off;
  }

  /** Adds bytes to the incomplete chunk, as one view with the last ones when adjacent in memory. */
  private addPending(v: Uint8Array): void {
    const last = this.pending.at(-1);
    if (last && last.buffer === v.buffer && last.byteOffset + last.byteLength === v.byteOffset) {
      this.pending[this.pending.length - 1] = new Uint8Array(
        last.buffer,
        last.byteOffset,
        last.byteLength + v.byteLength,
      );
    } else this.pending.push(v);
    this.pendingLen += v.byteLength;
  }

  /** End of stream: returns the last chunk, if any bytes remain, and resets the chunker. */
  finish(): Uint8Array[] {
    if (this.pendingLen === 0) return [];
    const last = this.pending.length === 1 ? this.pending[0]! : concat(this.pending, this.pendingLen);
    this.pending = [];
    this.pendingLen = 0;
    this.hash = 0;
    return [last];
  }

  /**
   * Scans `data` from `start` (where the current chunk already holds `pendingLen` earlier bytes).
   * Returns the exclusive end index of the chunk in `data`, or -1 when `data` ran out first (the
   * hash state is then kept for the next push).
   */
  private findCut(data: Uint8Array, start: number): number {
    const n = data.length;
    // chunk length before index i is `base + i`
    const base = this.pendingLen - start;
    let i = start;
    const minEnd = this.minSize - base;
    if (i < minEnd) i = Math.min(minEnd, n); // cut-point skipping: no hashing below minSize
    const avgEnd = this.avgSize - base;
    const maxEnd = this.maxSize - base;
    let h = this.hash;
    let cut = -1;
    if (i < avgEnd) {
      const lim = Math.min(avgEnd, n);
      cut = gearScan(data, this.gear, i, lim, h, this.maskS);
      h = gearScanHash;
      i = lim;
    }
    if (cut < 0 && i < maxEnd) {
      const lim = Math.min(maxEnd, n);
      cut = gearScan(data, this.gear, i, lim, h, this.maskL);
      h = gearScanHash;
      i = lim;
    }
    if (cut < 0 && i === maxEnd) cut = i;
    this.hash = cut < 0 ? h : 0;
    return cut;
  }

  /**
   * The chunk made of the pending bytes plus data[start, end). Zero-copy when nothing is pending
   * or the pending bytes lie just before data[start] in the same memory.
   */
  private take(data: Uint8Array, start: number, end: number): Uint8Array {
    if (this.pendingLen === 0) return data.subarray(start, end);
    this.addPending(data.subarray(start, end));
    const chunk = this.pending.length === 1 ? this.pending[0]! : concat(this.pending, this.pendingLen);
    this.pending = [];
    this.pendingLen = 0;
    return chunk;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const buf = Buffer.allocUnsafeSlow(total);
  let off = 0;
  for (const p of parts) {
    buf.set(p, off);
    off += p.length;
  }
  return buf;
}
