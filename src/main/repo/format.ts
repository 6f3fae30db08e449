/**
 * Repository format v1: object names and binary layouts. docs/repository-format.md is the prose
 * version of this file; keep them together.
 */
export const FORMAT_NAME = 'mvono-backup-repository';
export const FORMAT_VERSION = 1;

export const CONFIG = 'config';
export const packName = (id: string): string => `data/${id.slice(0, 2)}/${id}`;
export const indexName = (id: string): string => `index/${id}`;
export const snapshotName = (id: string): string => `snapshots/${id}`;
export const lockName = (id: string): string => `locks/${id}`;
export const keyName = (id: string): string => `keys/${id}`;

export enum BlobType {
  Data = 0,
  Tree = 1,
}

/** First byte of a blob's plaintext payload: how the rest is encoded. */
export enum Codec {
  Raw = 0,
  Brotli = 1,
  Zstd = 2,
}

/** Pack header entry: type u8, id 32 bytes, offset u32, length u32 (sealed), rawLength u32. */
export const HEADER_ENTRY_LEN = 1 + 32 + 4 + 4 + 4;

export const TARGET_PACK_SIZE = 16 * 1024 * 1024;

const HEX64 = /^[0-9a-f]{64}$/;
export const isId = (s: string): boolean => HEX64.test(s);
