/**
 * Blobs: the unit of dedup. plaintext -> id = HMAC(mac, plaintext) -> payload = codec byte ||
 * (zstd(plaintext) or plaintext, see codec.ts) -> sealed = AES-256-GCM(enc, payload, aad = id bytes).
 */

import { createCipheriv, randomFillSync } from 'node:crypto';
import { NONCE_LEN, open, SEAL_OVERHEAD, seal, TAG_LEN, updateInto } from '../crypto/aead.js';
import { blobId } from '../crypto/keys.js';
import { AppError } from '../platform/errors.js';
import { compress, decompress } from './codec.js';
import type { Codec } from './format.js';
import { Scratch } from './scratch.js';

/** codec byte || body, in a buffer of its own. */
export function encode(plain: Uint8Array): Buffer {
  const { codec, body } = compress(plain);
  return withCodec(codec, body);
}

/** The most bytes sealBlobInto() writes for `plainLength` bytes (raw codec + nonce + tag). */
export function maxSealedLength(plainLength: number): number {
  return plainLength + 1 + SEAL_OVERHEAD;
}

/**
 * Seals a blob straight into `out` at `at` (same bytes as sealBlobSync: nonce || AES-GCM(codec ||
 * body) || tag, aad = id) and returns the length written; saves two copies of every chunk.
 */
export function sealBlobInto(
  keys: { enc: Buffer; mac: Buffer },
  plain: Uint8Array,
  id: string,
  out: Uint8Array,
  at: number,
): number {
  const { codec, body } = compress(plain);
  randomFillSync(out, at, NONCE_LEN);
  const c = createCipheriv('aes-256-gcm', keys.enc, out.subarray(at, at + NONCE_LEN));
  c.setAAD(Buffer.from(id, 'hex'));
  let o = at + NONCE_LEN;
  out.set(c.update(Buffer.of(codec)), o++);
  o = updateInto(c, body, out, o);
  const fin = c.final(); // empty for GCM
  out.set(fin, o);
  o += fin.length;
  out.set(c.getAuthTag(), o);
  return o + TAG_LEN - at;
}

function withCodec(codec: Codec, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = codec;
  out.set(body, 1);
  return out;
}

/** The plaintext of a payload (codec byte || body); `rawLength` sizes the output when known. */
export function decode(payload: Uint8Array, what: string, rawLength?: number, intoScratch = false): Buffer {
  return decompress(payload[0]!, payload.subarray(1), what, rawLength, intoScratch);
}

export interface SealedBlob {
  id: string;
  sealed: Buffer;
  rawLength: number;
}

export async function sealBlob(
  keys: { enc: Buffer; mac: Buffer },
  plain: Uint8Array,
  id?: string,
): Promise<SealedBlob> {
  const bid = id ?? blobId(keys.mac, plain);
  const payload = encode(plain);
  return { id: bid, sealed: seal(keys.enc, payload, Buffer.from(bid, 'hex')), rawLength: plain.length };
}

/** Decrypts, decompresses and verifies the id; INTEGRITY on any mismatch. */
export async function openBlob(
  keys: { enc: Buffer; mac: Buffer },
  id: string,
  sealed: Uint8Array,
): Promise<Buffer> {
  const what = `blob ${id.slice(0, 12)}`;
  const plain = decode(open(keys.enc, sealed, Buffer.from(id, 'hex'), what), what);
  if (blobId(keys.mac, plain) !== id) throw new AppError('INTEGRITY', `${what} does not match its id.`);
  return plain;
}

/** Decrypted payloads of openBlobSync(intoScratch) (this thread's). */
const payloadScratch = new Scratch();

/** Synchronous twins for crypto workers (they are off the main thread already). */
export function sealBlobSync(keys: { enc: Buffer; mac: Buffer }, plain: Uint8Array, id: string): SealedBlob {
  return { id, sealed: seal(keys.enc, encode(plain), Buffer.from(id, 'hex')), rawLength: plain.length };
}

/**
 * `intoScratch`: the plaintext is a view of one of this thread's scratch buffers (decrypted into
 * `payloadScratch`, decompressed into codec.ts's), valid until the next call; nothing is allocated.
 */
export function openBlobSync(
  keys: { enc: Buffer; mac: Buffer },
  id: string,
  sealed: Uint8Array,
  rawLength?: number,
  intoScratch = false,
): Buffer {
  const what = `blob ${id.slice(0, 12)}`;
  const into = intoScratch ? payloadScratch.of(sealed.length) : undefined;
  const plain = decode(
    open(keys.enc, sealed, Buffer.from(id, 'hex'), what, into),
    what,
    rawLength,
    intoScratch,
  );
  if (blobId(keys.mac, plain) !== id) throw new AppError('INTEGRITY', `${what} does not match its id.`);
  return plain;
}
