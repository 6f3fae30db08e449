/**
 * AES-256-GCM sealing. A sealed box is: nonce (12 random bytes) || ciphertext || tag (16 bytes).
 * A fresh random nonce per box; optional associated data binds the box to its name/context.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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

/** Opens a sealed box; INTEGRITY error (naming `what`) if it was altered or the key is wrong. */
export function open(key: Uint8Array, box: Uint8Array, aad: Uint8Array | undefined, what: string): Buffer {
  if (box.length < SEAL_OVERHEAD)
    throw new AppError('INTEGRITY', `${what} is truncated (${box.length} bytes).`);
  const nonce = box.subarray(0, NONCE_LEN);
  const tag = box.subarray(box.length - TAG_LEN);
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  if (aad) d.setAAD(aad);
  d.setAuthTag(tag);
  try {
    const body = d.update(box.subarray(NONCE_LEN, box.length - TAG_LEN));
    const fin = d.final(); // empty for GCM: no second copy of the body
    return fin.length === 0 ? body : Buffer.concat([body, fin]);
  } catch (cause) {
    throw new AppError('INTEGRITY', `${what} failed authentication: the data is damaged or was altered.`, {
      hint: 'Run `mvono-backup check --read-data-subset 100%` to find every affected snapshot.',
      cause,
    });
  }
}
