/**
 * prune(): removes data no snapshot references, under the exclusive lock.
 * 1. find every blob referenced by the remaining snapshots;
 * 2. packs with no used blob are deleted; packs with more than `maxUnusedShare` unused bytes are
 *    repacked (their used sealed blobs copied as they are into new packs); orphan packs (from
 *    interrupted backups, in no index) are deleted;
 * 3. a complete new index superseding all old ones is written BEFORE anything is deleted, so a
 *    crash at any point leaves a readable repository (at worst with orphans the next prune removes).
 */
import { isId, packName, TARGET_PACK_SIZE } from '../../repo/format.js';
import { MasterIndex, mapLimit } from '../../repo/index-store.js';
import { PackBuilder } from '../../repo/pack.js';
import type { Repository } from '../../repo/repository.js';
import { noProgress, ProgressMeter, type ProgressReporter } from '../progress.js';
import { referencedBlobs } from '../walk.js';

export interface PruneReport {
  packsDeleted: number;
  packsRepacked: number;
  packsWritten: number;
  orphanPacksDeleted: number;
  bytesFreed: number;
  dryRun: boolean;
}

export async function prune(
  repo: Repository,
  opts: { maxUnusedShare?: number; dryRun?: boolean; signal?: AbortSignal; progress?: ProgressReporter } = {},
): Promise<PruneReport> {
  const signal = opts.signal;
  const lock = await repo.lock(true, 'prune', signal);
  try {
    const meter = new ProgressMeter(opts.progress ?? noProgress, 'finding used data');
    await repo.reloadIndex(signal);
    const snaps = await repo.listSnapshots(signal);
    const used = await referencedBlobs(
      repo,
      snaps.map((s) => s.tree),
      signal,
    );
    const stored = new Map<string, number>();
    for await (const o of repo.storage.list('data/', { signal })) {
      const id = o.name.split('/').pop() ?? '';
      if (isId(id)) stored.set(id, o.size);
    }
    const packs = repo.index.packs();
    const deletes: string[] = [];
    const repack: string[] = [];
    const maxUnused = opts.maxUnusedShare ?? 0.2;
    for (const [pack, blobs] of packs) {
      const usedBytes = blobs.filter((b) => used.has(b.id)).reduce((s, b) => s + b.loc.length, 0);
      const all = blobs.reduce((s, b) => s + b.loc.length, 0);
      if (usedBytes === 0) deletes.push(pack);
      else if (all - usedBytes > all * maxUnused) repack.push(pack);
    }
    const orphans = [...stored.keys()].filter((p) => !packs.has(p));
    let bytesFreed = [...deletes, ...orphans, ...repack].reduce((s, p) => s + (stored.get(p) ?? 0), 0);
    const report: PruneReport = {
      packsDeleted: deletes.length,
      packsRepacked: repack.length,
      packsWritten: 0,
      orphanPacksDeleted: orphans.length,
      bytesFreed,
      dryRun: opts.dryRun ?? false,
    };
    if (opts.dryRun) return report;

    // Build the new index: kept packs as they are, plus repacked used blobs.
    const fresh = new MasterIndex();
    const gone = new Set([...deletes, ...repack]);
    for (const [pack, blobs] of packs) {
      if (gone.has(pack)) continue;
      fresh.addPack(
        pack,
        blobs.map((b) => ({ ...b.loc, id: b.id })),
        false,
      );
    }
    meter.setPhase('repacking');
    let builder = new PackBuilder();
    const flush = async () => {
      if (builder.count === 0) return;
      const { id, data, entries } = builder.finish(repo.keys.enc);
      await repo.storage.put(packName(id), data, { signal });
      fresh.addPack(id, entries, false);
      report.packsWritten++;
      bytesFreed -= data.length;
      builder = new PackBuilder();
    };
    for (const pack of repack) {
      const data = await repo.storage.get(packName(pack), { signal });
      for (const b of packs.get(pack) ?? []) {
        if (!used.has(b.id) || fresh.has(b.id) || builder.entries.some((e) => e.id === b.id)) continue;
        builder.add(
          b.loc.type,
          b.id,
          Buffer.from(data.subarray(b.loc.offset, b.loc.offset + b.loc.length)),
          b.loc.rawLength,
        );
        if (builder.bytes >= TARGET_PACK_SIZE) await flush();
      }
    }
    await flush();
    report.bytesFreed = Math.max(0, bytesFreed);
    meter.setPhase('writing index');
    const oldIndexes = [...repo.index.files];
    await fresh.saveFull(repo.storage, repo.keys.enc, oldIndexes, signal);
    meter.setPhase('deleting');
    await mapLimit(oldIndexes, 8, (id) => repo.storage.delete(`index/${id}`, { signal }));
    await mapLimit([...gone, ...orphans], 8, (p) => repo.storage.delete(packName(p), { signal }));
    await repo.reloadIndex(signal);
    // Temp files of packs whose writer was killed (local disks): an hour old is surely dead.
    await repo.storage.removeStaleWrites?.(60 * 60 * 1000, { signal });
    meter.done();
    return report;
  } finally {
    await lock.release().catch(() => {});
  }
}
