/**
 * Snapshot manifests: the commit point of a backup. Written last, encrypted, content-addressed
 * (`snapshots/<sha256 of the sealed bytes>`), so a snapshot is either complete or absent.
 */
import type { DbFacts } from '../sources/facts.js';

export type SnapshotKind = 'manual' | 'scheduled' | 'safety' | 'copy';

export type Component =
  | { type: 'files' | 'config'; name: string; paths: string[] }
  | { type: 'postgres' | 'mariadb'; name: string; database: string; facts: DbFacts };

export interface SnapshotSummary {
  files: number;
  dirs: number;
  bytes: number;
  /** Plaintext bytes of blobs this snapshot added to the repository. */
  addedBytes: number;
  /** Encrypted, compressed bytes this snapshot added. */
  storedBytes: number;
  durationMs: number;
}

export interface SnapshotManifest {
  version: 1;
  id: string;
  time: string;
  hostname: string;
  username: string;
  name?: string;
  plan?: string;
  kind: SnapshotKind;
  tags: string[];
  parent?: string;
  tree: string;
  components: Component[];
  summary: SnapshotSummary;
}

/** The manifest as stored (the id is the object name, not part of the content). */
export type StoredManifest = Omit<SnapshotManifest, 'id'>;
