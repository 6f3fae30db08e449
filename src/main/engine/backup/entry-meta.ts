/**
 * What the archiver keeps of an lstat: the fields a tree node records, times and ids already as
 * the decimal strings nodes store (nanosecond times need 64 bits). Converting once here, instead
 * of keeping the BigIntStats (~2 KB each with its BigInts), lets the prewalk hold tens of thousands.
 */
import { type BigIntStats, lstatSync } from 'node:fs';

export interface EntryMeta {
  kind: 'dir' | 'file' | 'symlink' | 'other';
  /** Permission bits (mode & 0o7777). */
  mode: number;
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  inode: string;
  dev: string;
  uid: number;
  gid: number;
}

export function entryMeta(st: BigIntStats): EntryMeta {
  return {
    kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other',
    mode: Number(st.mode) & 0o7777,
    size: Number(st.size),
    mtimeNs: st.mtimeNs.toString(),
    ctimeNs: st.ctimeNs.toString(),
    inode: st.ino.toString(),
    dev: st.dev.toString(),
    uid: Number(st.uid),
    gid: Number(st.gid),
  };
}

/** lstat, synchronously (microseconds, where a libuv round trip costs tens); throws as lstatSync. */
export function lstatMeta(path: string): EntryMeta {
  return entryMeta(lstatSync(path, { bigint: true }));
}
