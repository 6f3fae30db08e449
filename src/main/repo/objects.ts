/**
 * Encrypted JSON objects (index files, snapshots, locks): sealed(codec byte || body) with the
 * object's kind as associated data, so an index cannot be passed off as a snapshot.
 * Content-addressed ones are named by SHA-256 of the sealed bytes.
 */
import { createHash } from 'node:crypto';
import { open, seal } from '../crypto/aead.js';
import type { Storage } from '../storage/port.js';
import { decode, encode } from './blob.js';

export type ObjectKind = 'index' | 'snapshot' | 'lock';

export async function sealJson(enc: Buffer, kind: ObjectKind, value: unknown): Promise<Buffer> {
  const payload = encode(Buffer.from(JSON.stringify(value)));
  return seal(enc, payload, Buffer.from(kind));
}

export async function openJson<T>(enc: Buffer, kind: ObjectKind, box: Uint8Array, what: string): Promise<T> {
  const payload = open(enc, box, Buffer.from(kind), what);
  return JSON.parse(decode(payload, what).toString('utf8')) as T;
}

export const sha256hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Writes a content-addressed encrypted object under `prefix/`; returns its id. */
export async function putContentAddressed(
  storage: Storage,
  enc: Buffer,
  kind: ObjectKind,
  prefix: string,
  value: unknown,
  signal?: AbortSignal,
): Promise<string> {
  const box = await sealJson(enc, kind, value);
  const id = sha256hex(box);
  await storage.put(`${prefix}/${id}`, box, { signal });
  return id;
}
