/**
 * Packs: many sealed blobs in one write-once object, so a backup makes few large uploads.
 *   pack = sealed blob 1 || ... || sealed blob n || sealed header || u32le(sealed header length)
 *   header (plaintext) = n entries of HEADER_ENTRY_LEN bytes (type, id, offset, length, rawLength)
 * The pack id is SHA-256 of the whole pack, so `check` can verify a pack without keys.
 */
import { createHash } from 'node:crypto';
import { open, seal } from '../crypto/aead.js';
import { AppError } from '../platform/errors.js';
import { type BlobType, HEADER_ENTRY_LEN, TARGET_PACK_SIZE } from './format.js';

export interface PackEntry {
  type: BlobType;
  id: string;
  offset: number;
  length: number;
  rawLength: number;
}

export class PackBuilder {
  /** One buffer the sealed blobs are copied into (no per-blob buffers kept, no concat at the end). */
  private buf: Buffer | undefined;
  private size = 0;
  readonly entries: PackEntry[] = [];

  /** `reuse`: a buffer from an earlier pack (see Packer), written over from the start. */
  constructor(
    reuse?: Buffer,
    private readonly capacity = TARGET_PACK_SIZE + 1024 * 1024,
  ) {
    this.buf = reuse;
  }

  add(type: BlobType, id: string, sealed: Uint8Array, rawLength: number): void {
    this.entries.push({ type, id, offset: this.size, length: sealed.length, rawLength });
    this.reserve(sealed.length);
    this.buf!.set(sealed, this.size);
    this.size += sealed.length;
  }
  get bytes(): number {
    return this.size;
  }
  get count(): number {
    return this.entries.length;
  }

  private reserve(more: number): void {
    const need = this.size + more;
    if (this.buf && need <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(need, this.buf ? this.buf.length * 2 : this.capacity));
    if (this.buf) this.buf.copy(next, 0, 0, this.size);
    this.buf = next;
  }

  /** Seals the header and returns the pack bytes and id. */
  finish(enc: Buffer): { id: string; data: Buffer; entries: PackEntry[]; buffer: Buffer } {
    const sealedHeader = seal(enc, encodePackHeader(this.entries), Buffer.from('pack-header'));
    this.reserve(sealedHeader.length + 4);
    const buf = this.buf!;
    buf.set(sealedHeader, this.size);
    buf.writeUInt32LE(sealedHeader.length, this.size + sealedHeader.length);
    const data = buf.subarray(0, this.size + sealedHeader.length + 4);
    this.buf = undefined; // the pack's bytes now live in `data` only
    return { id: createHash('sha256').update(data).digest('hex'), data, entries: this.entries, buffer: buf };
  }
}

/** The plaintext pack header: one HEADER_ENTRY_LEN record per blob. */
export function encodePackHeader(entries: PackEntry[]): Buffer {
  const header = Buffer.alloc(entries.length * HEADER_ENTRY_LEN);
  entries.forEach((e, i) => {
    const o = i * HEADER_ENTRY_LEN;
    header[o] = e.type;
    header.write(e.id, o + 1, 'hex');
    header.writeUInt32LE(e.offset, o + 33);
    header.writeUInt32LE(e.length, o + 37);
    header.writeUInt32LE(e.rawLength, o + 41);
  });
  return header;
}

/** Parses a whole pack's header (used by check and by index rebuild). */
export function readPackHeader(enc: Buffer, pack: Uint8Array, packId: string): PackEntry[] {
  const what = `pack ${packId.slice(0, 12)}`;
  if (pack.length < 4) throw new AppError('INTEGRITY', `${what} is truncated.`);
  const hlen = Buffer.from(pack.buffer, pack.byteOffset, pack.byteLength).readUInt32LE(pack.length - 4);
  if (hlen + 4 > pack.length) throw new AppError('INTEGRITY', `${what} has a bad header length.`);
  const header = open(
    enc,
    pack.subarray(pack.length - 4 - hlen, pack.length - 4),
    Buffer.from('pack-header'),
    what,
  );
  const entries: PackEntry[] = [];
  for (let o = 0; o + HEADER_ENTRY_LEN <= header.length; o += HEADER_ENTRY_LEN) {
    entries.push({
      type: header[o] as BlobType,
      id: header.toString('hex', o + 1, o + 33),
      offset: header.readUInt32LE(o + 33),
      length: header.readUInt32LE(o + 37),
      rawLength: header.readUInt32LE(o + 41),
    });
  }
  return entries;
}
