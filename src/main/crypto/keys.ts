/**
 * The repository master key: 64 random bytes, never stored in clear. Sub-keys are derived with
 * HKDF-SHA-256: `enc` (AES-256-GCM for every object), `mac` (HMAC-SHA-256 blob ids) and
 * `chunker` (the FastCDC gear table seed, so chunk boundaries reveal nothing without the key).
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

export const MASTER_KEY_LEN = 64;

export interface RepoKeys {
  master: Buffer;
  enc: Buffer;
  mac: Buffer;
  chunkerSeed: Buffer;
}

export function newMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_LEN);
}

function derive(master: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `mvono-backup v1 ${info}`, 32));
}

export function deriveKeys(master: Buffer): RepoKeys {
  return {
    master,
    enc: derive(master, 'enc'),
    mac: derive(master, 'mac'),
    chunkerSeed: derive(master, 'chunker'),
  };
}

/** Blob id: HMAC-SHA-256 under the repository MAC key, hex. */
export function blobId(mac: Uint8Array, data: Uint8Array): string {
  return createHmac('sha256', mac).update(data).digest('hex');
}
