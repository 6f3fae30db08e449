/**
 * copy(): replicates snapshots from one repository to another (S3 primary -> GCS secondary).
 * Blob ids are keyed per repository (HMAC), so every blob is decrypted from the source, its id
 * recomputed and re-encrypted under the target's keys; trees are rewritten bottom-up with the new
 * ids. Blobs the target already has are not uploaded again, so an interrupted copy resumes cheaply.
 * The target snapshot (tagged `copy-of:<source id>`) is written last, after packs and index, and
 * then verified: every blob it references must be in the target index (and readable with --verify-data).
 */
import { AppError, throwIfAborted } from '../platform/errors.js';
import { BlobType } from '../repo/format.js';
import type { Packer } from '../repo/packer.js';
import type { Repository } from '../repo/repository.js';
import type { SnapshotManifest } from '../repo/snapshot.js';
import { encodeTree, type TreeNode } from '../repo/tree.js';
import { noProgress, ProgressMeter, type ProgressReporter } from './progress.js';
import { referencedBlobs } from './walk.js';

export interface CopyOptions {
  /** Source snapshot ids/prefixes; default: every snapshot not yet in the target. */
  snapshots?: string[];
  signal?: AbortSignal;
  progress?: ProgressReporter;
}

export interface CopyResult {
  copied: { source: string; target: string }[];
  skipped: string[];
  blobsUploaded: number;
  bytesUploaded: number;
}

export const copyTag = (sourceId: string) => `copy-of:${sourceId}`;

class TreeCopier {
  private readonly done = new Map<string, string>();
  uploaded = 0;
  constructor(
    private readonly src: Repository,
    private readonly packer: Packer,
    private readonly meter: ProgressMeter,
    private readonly signal?: AbortSignal,
  ) {}

  async blob(id: string): Promise<string> {
    const known = this.done.get(id);
    if (known) return known;
    const plain = await this.src.loadBlob(id, this.signal);
    const r = await this.packer.saveChunk(BlobType.Data, plain);
    if (r.added) this.uploaded++;
    this.meter.addBytes(plain.length);
    this.done.set(id, r.id);
    return r.id;
  }

  async tree(id: string, path: string): Promise<string> {
    const known = this.done.get(id);
    if (known) return known;
    throwIfAborted(this.signal);
    const t = await this.src.loadTree(id, this.signal);
    const nodes: TreeNode[] = [];
    for (const n of t.nodes) {
      const p = path ? `${path}/${n.name}` : n.name;
      const copy: TreeNode = { ...n };
      if (n.content) copy.content = await Promise.all(n.content.map((c) => this.blob(c)));
      if (n.subtree) copy.subtree = await this.tree(n.subtree, p);
      if (n.type === 'file') this.meter.addFile(p);
      nodes.push(copy);
    }
    const r = await this.packer.save(BlobType.Tree, encodeTree({ nodes }));
    this.done.set(id, r.id);
    return r.id;
  }
}

export async function copySnapshots(
  src: Repository,
  dst: Repository,
  opts: CopyOptions = {},
): Promise<CopyResult> {
  const signal = opts.signal;
  const all = await src.listSnapshots(signal);
  const wanted = opts.snapshots?.length
    ? await Promise.all(opts.snapshots.map((s) => src.findSnapshot(s, signal)))
    : all;
  const present = new Set(
    (await dst.listSnapshots(signal)).flatMap((s) => s.tags.filter((t) => t.startsWith('copy-of:'))),
  );
  const todo = wanted.filter((s) => !present.has(copyTag(s.id)));
  const skipped = wanted.filter((s) => present.has(copyTag(s.id))).map((s) => s.id);
  const meter = new ProgressMeter(opts.progress ?? noProgress, 'copying');
  meter.setTotals(
    todo.reduce((n, s) => n + s.summary.bytes, 0),
    todo.reduce((n, s) => n + s.summary.files, 0),
  );
  const result: CopyResult = { copied: [], skipped, blobsUploaded: 0, bytesUploaded: 0 };
  const lock = await dst.lock(false, 'copy', signal);
  try {
    for (const s of todo) {
      const packer = dst.packer(signal);
      const copier = new TreeCopier(src, packer, meter, signal);
      const tree = await copier.tree(s.tree, '');
      await packer.flush();
      await dst.index.save(dst.storage, dst.keys.enc, signal);
      const { id: _id, ...rest } = s;
      const saved = await dst.saveSnapshot(
        { ...rest, tree, parent: undefined, tags: [...s.tags, copyTag(s.id)] } as Omit<
          SnapshotManifest,
          'id'
        >,
        signal,
      );
      await verifyCopy(dst, saved, signal);
      result.copied.push({ source: s.id, target: saved.id });
      result.blobsUploaded += copier.uploaded;
      result.bytesUploaded += packer.storedBytes;
    }
  } finally {
    await lock.release().catch(() => {});
  }
  meter.done();
  return result;
}

/** Every blob the copied snapshot references is in the target's index. */
async function verifyCopy(dst: Repository, snap: SnapshotManifest, signal?: AbortSignal): Promise<void> {
  const used = await referencedBlobs(dst, [snap.tree], signal);
  const missing = [...used].filter((id) => !dst.index.has(id));
  if (missing.length > 0) {
    throw new AppError(
      'INTEGRITY',
      `The copy of snapshot ${snap.id.slice(0, 8)} is missing ${missing.length} blob(s) in the target.`,
      {
        hint: 'Run the copy again; blobs already copied are not uploaded twice.',
      },
    );
  }
}
