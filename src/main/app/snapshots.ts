/**
 * SnapshotService over the repositories (the truth); the catalog's snapshot cache answers when a
 * repository cannot be reached, and is replaced on every successful read.
 */
import type { Snapshot, TreeEntry } from '../../shared/contract/snapshots.js';
import { check } from '../engine/check/check.js';
import type { SnapshotService } from '../host/ports.js';
import { AppError, toAppError } from '../platform/errors.js';
import { byCodeUnit } from '../platform/order.js';
import type { Repository } from '../repo/repository.js';
import { toSnapshot } from './backup-run.js';
import { type AppDeps, jobOpts } from './deps.js';

async function readAll(d: AppDeps, targetId: string, signal?: AbortSignal): Promise<Snapshot[] | undefined> {
  const { storage } = await d.repos.storage(targetId);
  try {
    if (!(await d.repos.initialized(storage, signal))) return undefined;
  } finally {
    await storage.close?.().catch(() => {});
  }
  const list = await d.repos.with(targetId, (repo) => repo.listSnapshots(signal), {
    loadIndex: false,
    ...(signal ? { signal } : {}),
  });
  const snaps = list.map((m) => toSnapshot(targetId, m));
  d.stores.snapshots.replace(targetId, snaps, d.clock.now().toISOString());
  return snaps;
}

const nsToIso = (ns: string | undefined) =>
  ns && /^\d+$/.test(ns) ? new Date(Number(BigInt(ns) / 1_000_000n)).toISOString() : undefined;

async function browseTree(repo: Repository, root: string, path: string): Promise<TreeEntry[]> {
  let tree = await repo.loadTree(root);
  const parts = path.split('/').filter(Boolean);
  for (const [i, part] of parts.entries()) {
    const node = tree.nodes.find((n) => n.name === part);
    if (node?.type !== 'dir' || !node.subtree) {
      throw new AppError('NOT_FOUND', `No directory "${parts.slice(0, i + 1).join('/')}" in this snapshot.`);
    }
    tree = await repo.loadTree(node.subtree);
  }
  const prefix = parts.length ? `${parts.join('/')}/` : '';
  return tree.nodes.map((n) => {
    const mtime = nsToIso(n.mtimeNs);
    return {
      name: n.name,
      path: `${prefix}${n.name}`,
      type: n.type,
      ...(n.size !== undefined ? { size: n.size } : {}),
      ...(mtime ? { mtime } : {}),
    };
  });
}

export function snapshotService(d: AppDeps): SnapshotService {
  const changed = () => d.bus.emit('dashboard.invalidate', { topics: ['snapshots'] });
  return {
    async list(q) {
      let snaps: Snapshot[];
      try {
        const all = await readAll(d, q.targetId);
        if (!all) return [];
        snaps = all;
      } catch (e) {
        if (toAppError(e).code === 'INTERNAL') throw e;
        d.log.warn(`Snapshot list of target ${q.targetId} from the cache: ${toAppError(e).message}`);
        return d.stores.snapshots.list(q.targetId, q);
      }
      return snaps
        .filter(
          (s) => (q.plan === undefined || s.plan === q.plan) && (q.kind === undefined || s.kind === q.kind),
        )
        .sort((a, b) => byCodeUnit(b.time, a.time))
        .slice(0, q.limit);
    },
    async get(targetId, id) {
      return d.repos.with(targetId, async (repo) => toSnapshot(targetId, await repo.findSnapshot(id)), {
        loadIndex: false,
      });
    },
    async browse(targetId, id, path) {
      return d.repos.with(targetId, async (repo) =>
        browseTree(repo, (await repo.findSnapshot(id)).tree, path),
      );
    },
    async refresh(targetId, actor) {
      const t = d.stores.targets.get(targetId);
      const job = d.jobs.start(
        'refresh',
        `Re-read snapshots of ${t.name}`,
        async (ctx) => {
          const snaps = (await readAll(d, targetId, ctx.signal)) ?? [];
          changed();
          return { snapshots: snaps.length };
        },
        jobOpts(actor.username, targetId),
      );
      return { jobId: job.id };
    },
    async delete(targetId, ids, actor) {
      const t = d.stores.targets.get(targetId);
      const job = d.jobs.start(
        'prune',
        `Delete ${ids.length} snapshot(s) from ${t.name}`,
        (ctx) =>
          d.repos.with(
            targetId,
            async (repo) => {
              const lock = await repo.lock(true, 'delete snapshots', ctx.signal);
              try {
                const full: string[] = [];
                for (const id of ids) full.push((await repo.findSnapshot(id, ctx.signal)).id);
                for (const id of full) {
                  await repo.deleteSnapshot(id, ctx.signal);
                  ctx.log('info', `Deleted snapshot ${id.slice(0, 8)}.`);
                }
                d.stores.snapshots.remove(targetId, full);
                changed();
                return { deleted: full.length };
              } finally {
                await lock.release().catch(() => {});
              }
            },
            { signal: ctx.signal, loadIndex: false },
          ),
        jobOpts(actor.username, targetId),
      );
      return { jobId: job.id };
    },
    async check(targetId, readDataPercent, actor) {
      const t = d.stores.targets.get(targetId);
      const job = d.jobs.start(
        'check',
        `Check repository ${t.name}${readDataPercent ? ` (read ${readDataPercent}% of data)` : ''}`,
        (ctx) =>
          d.repos.with(
            targetId,
            async (repo) => {
              const r = await check(repo, { readDataPercent, signal: ctx.signal, progress: ctx.progress });
              for (const p of r.problems.slice(0, 50)) ctx.log('error', `${p.kind}: ${p.message}`);
              if (!r.ok) {
                throw new AppError(
                  'INTEGRITY',
                  `The check found ${r.problems.length} problem(s) in ${t.name}.`,
                  {
                    hint: 'See the job log for the affected snapshots; restore them from another target.',
                  },
                );
              }
              return { ok: true, snapshots: r.snapshots, packs: r.packs, packsRead: r.packsRead };
            },
            { signal: ctx.signal },
          ),
        jobOpts(actor.username, targetId),
      );
      return { jobId: job.id };
    },
  };
}
