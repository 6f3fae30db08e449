/** stats(): repository size, blob counts and the deduplication ratio. */
import { isId } from '../repo/format.js';
import type { Repository } from '../repo/repository.js';

export interface RepoStats {
  snapshots: number;
  packs: number;
  blobs: number;
  storedBytes: number;
  uniqueRawBytes: number;
  /** Sum of file sizes over all snapshots. */
  totalFileBytes: number;
  /** totalFileBytes / storedBytes. */
  dedupRatio: number;
}

export async function stats(repo: Repository, signal?: AbortSignal): Promise<RepoStats> {
  let storedBytes = 0;
  let packs = 0;
  for await (const o of repo.storage.list('data/', { signal })) {
    if (isId(o.name.split('/').pop() ?? '')) {
      packs++;
      storedBytes += o.size;
    }
  }
  let uniqueRawBytes = 0;
  for (const [, loc] of repo.index.entries()) uniqueRawBytes += loc.rawLength;
  const snaps = await repo.listSnapshots(signal);
  const totalFileBytes = snaps.reduce((s, x) => s + x.summary.bytes, 0);
  return {
    snapshots: snaps.length,
    packs,
    blobs: repo.index.size,
    storedBytes,
    uniqueRawBytes,
    totalFileBytes,
    dedupRatio: storedBytes > 0 ? totalFileBytes / storedBytes : 0,
  };
}
