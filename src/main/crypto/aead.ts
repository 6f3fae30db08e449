/**
 * AES-256-GCM sealing. A sealed box is: nonce (12 random bytes) || ciphertext || tag (16 bytes).
 * A fresh random nonce per box; optional associated data binds the box to its name/context.
 */
import { type Cipher, createCipheriv, createDecipheriv, type Decipher, randomBytes } from 'node:crypto';
import { AppError } from '../platform/errors.js';

export const NONCE_LEN = 12;
export const TAG_LEN = 16;
export const SEAL_OVERHEAD = NONCE_LEN + TAG_LEN;

export function seal(key: Uint8Array, plain: Uint8Array, aad?: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_LEN);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  if (aad) c.setAAD(aad);
  const body = c.update(plain);
  const fin = c.final();
  return Buffer.concat([nonce, body, fin, c.getAuthTag()]);
}

/**
 * Opens a sealed box; INTEGRITY error (naming `what`) if it was altered or the key is wrong.
 * `into`: write the plaintext there (it must hold box.length - SEAL_OVERHEAD bytes) and return a
 * view of it, instead of a new buffer.
 */
export function open(
  key: Uint8Array,
  box: Uint8Array,
  aad: Uint8Array | undefined,
  what: string,
  into?: Uint8Array,
): Buffer {
  if (box.length < SEAL_OVERHEAD)
    throw new AppError('INTEGRITY', `${what} is truncated (${box.length} bytes).`);
  const nonce = box.subarray(0, NONCE_LEN);
  const tag = box.subarray(box.length - TAG_LEN);
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  if (aad) d.setAAD(aad);
  d.setAuthTag(tag);
  try {
    const cipher = box.subarray(NONCE_LEN, box.length - TAG_LEN);
    if (into) {
      const n = updateInto(d, cipher, into, 0);
      into.set(d.final(), n); // empty for GCM
      return Buffer.from(into.buffer, into.byteOffset, n);
    }
    const body = d.update(cipher);
    const fin = d.final(); // empty for GCM: no second copy of the body
    return fin.length === 0 ? body : Buffer.concat([body, fin]);
  } catch (cause) {
    throw new AppError('INTEGRITY', `${what} failed authentication: the data is damaged or was altered.`, {
      hint: 'Run `mvono-backup check --read-data-subset 100%` to find every affected snapshot.',
      cause,
    });
  }
}

/**
 * Node's Cipher.update() returns its output in a new buffer. A MiB-sized one is fresh memory from
 * the OS (a page fault per 4 KiB, slow on a VM); 64 KiB ones come from malloc's free lists. So
 * callers that write into a buffer of their own update in steps of this size and copy.
 */
const STEP = 64 * 1024;

/** Runs `data` through `c` in steps, writing the output into `out` at `at`; returns the new end. */
export function updateInto(c: Cipher | Decipher, data: Uint8Array, out: Uint8Array, at: number): number {
  let o = at;
  for (let i = 0; i < data.length; i += STEP) {
    const part = c.update(data.subarray(i, i + STEP));
    out.set(part, o);
    o += part.length;
  }
  return o;
}
