/**
 * Packs: many sealed blobs in one write-once object, so a backup makes few large uploads.
 *   pack = sealed blob 1 || ... || sealed blob n || sealed header || u32le(sealed header length)
 *   header (plaintext) = n entries of HEADER_ENTRY_LEN bytes (type, id, offset, length, rawLength)
 * The pack id is SHA-256 of the whole pack, so `check` can verify a pack without keys.
 */
import { createHash } from 'node:crypto';
import { open, seal } from '../crypto/aead.js';
import { AppError } from '../platform/errors.js';
import { type BlobType, HEADER_ENTRY_LEN } from './format.js';

export interface PackEntry {
  type: BlobType;
  id: string;
  offset: number;
  length: number;
  rawLength: number;
}

export class PackBuilder {
  private parts: Buffer[] = [];
  private size = 0;
  readonly entries: PackEntry[] = [];

  add(type: BlobType, id: string, sealed: Buffer, rawLength: number): void {
    this.entries.push({ type, id, offset: this.size, length: sealed.length, rawLength });
    this.parts.push(sealed);
    this.size += sealed.length;
  }
  get bytes(): number {
    return this.size;
  }
  get count(): number {
    return this.entries.length;
  }
  /** Seals the header and returns the pack bytes and id. */
  finish(enc: Buffer): { id: string; data: Buffer; entries: PackEntry[] } {
    const header = Buffer.alloc(this.entries.length * HEADER_ENTRY_LEN);
    this.entries.forEach((e, i) => {
      const o = i * HEADER_ENTRY_LEN;
      header[o] = e.type;
      header.write(e.id, o + 1, 'hex');
      header.writeUInt32LE(e.offset, o + 33);
      header.writeUInt32LE(e.length, o + 37);
      header.writeUInt32LE(e.rawLength, o + 41);
    });
    const sealedHeader = seal(enc, header, Buffer.from('pack-header'));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(sealedHeader.length);
    const data = Buffer.concat([...this.parts, sealedHeader, len]);
    this.parts = []; // the pack's bytes now live in `data` only
    return { id: createHash('sha256').update(data).digest('hex'), data, entries: this.entries };
  }
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
