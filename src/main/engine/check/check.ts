/**
 * check(): verifies the repository's structure and, optionally, its data.
 * - every indexed pack exists and is long enough;
 * - every snapshot's trees load, and every blob they reference is indexed;
 * - with readDataPercent > 0: that share of packs is downloaded, its SHA-256 compared with its
 *   name, its header decrypted and every blob decrypted and verified against its id.
 * Damaged or missing blobs are traced to the snapshots and file paths that use them.
 */
import { createHash } from 'node:crypto';
import { isAppError, throwIfAborted } from '../../platform/errors.js';
import { openBlob } from '../../repo/blob.js';
import { isId, packName } from '../../repo/format.js';
import { mapLimit } from '../../repo/index-store.js';
import { readPackHeader } from '../../repo/pack.js';
import type { Repository } from '../../repo/repository.js';
import { noProgress, ProgressMeter, type ProgressReporter } from '../progress.js';
import { walkTree } from '../walk.js';

export interface CheckProblem {
  kind:
    | 'missing-pack'
    | 'damaged-pack'
    | 'damaged-blob'
    | 'missing-blob'
    | 'damaged-tree'
    | 'unreadable-snapshot';
  object: string;
  message: string;
}

export interface CheckReport {
  ok: boolean;
  snapshots: number;
  packs: number;
  packsRead: number;
  orphanPacks: number;
  problems: CheckProblem[];
  /** For each affected snapshot: the paths whose data is damaged or missing. */
  affected: { snapshot: string; time: string; paths: string[] }[];
}

export async function check(
  repo: Repository,
  opts: { readDataPercent?: number; signal?: AbortSignal; progress?: ProgressReporter } = {},
): Promise<CheckReport> {
  const signal = opts.signal;
  const meter = new ProgressMeter(opts.progress ?? noProgress, 'checking packs');
  const problems: CheckProblem[] = [];
  const bad = new Set<string>();
  const packs = repo.index.packs();
  const stored = new Map<string, number>();
  for await (const o of repo.storage.list('data/', { signal })) {
    const id = o.name.split('/').pop() ?? '';
    if (isId(id)) stored.set(id, o.size);
  }
  for (const [pack, blobs] of packs) {
    const size = stored.get(pack);
    const need = Math.max(...blobs.map((b) => b.loc.offset + b.loc.length));
    if (size === undefined || size < need) {
      problems.push({
        kind: 'missing-pack',
        object: pack,
        message: `pack ${pack.slice(0, 12)} is ${size === undefined ? 'missing' : 'truncated'}`,
      });
      for (const b of blobs) bad.add(b.id);
    }
  }
  const pct = Math.min(100, Math.max(0, opts.readDataPercent ?? 0));
  const toRead = [...packs.keys()].filter((p) => stored.has(p) && !bad.has(p)).sort();
  const chosen = pct >= 100 ? toRead : toRead.filter(() => Math.random() * 100 < pct);
  meter.setPhase('reading data');
  meter.setTotals(
    chosen.reduce((s, p) => s + (stored.get(p) ?? 0), 0),
    chosen.length,
  );
  await mapLimit(chosen, 2, async (pack) => {
    throwIfAborted(signal);
    const data = await repo.storage.get(packName(pack), { signal });
    meter.addBytes(data.length, pack.slice(0, 12));
    const blobs = packs.get(pack) ?? [];
    if (createHash('sha256').update(data).digest('hex') !== pack) {
      problems.push({
        kind: 'damaged-pack',
        object: pack,
        message: `pack ${pack.slice(0, 12)} does not match its hash`,
      });
    }
    try {
      readPackHeader(repo.keys.enc, data, pack);
    } catch (e) {
      problems.push({ kind: 'damaged-pack', object: pack, message: isAppError(e) ? e.message : String(e) });
    }
    for (const b of blobs) {
      try {
        await openBlob(repo.keys, b.id, data.subarray(b.loc.offset, b.loc.offset + b.loc.length));
      } catch (e) {
        bad.add(b.id);
        problems.push({ kind: 'damaged-blob', object: b.id, message: isAppError(e) ? e.message : String(e) });
      }
    }
    meter.addFile();
  });

  meter.setPhase('checking snapshots');
  const snaps = await repo.listSnapshots(signal);
  const affected: CheckReport['affected'] = [];
  for (const s of snaps) {
    const paths: string[] = [];
    const mark = (path: string, id: string) => {
      if (bad.has(id) || !repo.index.has(id)) {
        paths.push(path);
        if (!repo.index.has(id) && !bad.has(id)) {
          problems.push({
            kind: 'missing-blob',
            object: id,
            message: `blob ${id.slice(0, 12)} used by ${path} is not in the index`,
          });
          bad.add(id);
        }
      }
    };
    try {
      await walkTree(
        repo,
        s.tree,
        (path, n) => {
          for (const id of n.content ?? []) mark(path, id);
          if (n.subtree && (bad.has(n.subtree) || !repo.index.has(n.subtree))) mark(path, n.subtree);
        },
        { signal },
      );
    } catch (e) {
      problems.push({ kind: 'damaged-tree', object: s.id, message: isAppError(e) ? e.message : String(e) });
      paths.push('(tree unreadable)');
    }
    if (paths.length > 0) affected.push({ snapshot: s.id, time: s.time, paths: [...new Set(paths)] });
  }
  const indexed = new Set(packs.keys());
  const orphanPacks = [...stored.keys()].filter((p) => !indexed.has(p)).length;
  meter.done();
  return {
    ok: problems.length === 0,
    snapshots: snaps.length,
    packs: packs.size,
    packsRead: chosen.length,
    orphanPacks,
    problems,
    affected,
  };
}
