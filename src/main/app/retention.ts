/**
 * A plan's retention after its backup: forget (under the exclusive lock) the plan's snapshots the
 * policy does not keep, then prune (which takes the exclusive lock itself) if anything went.
 */
import type { PlanInput } from '../../shared/contract/plans.js';
import { forget } from '../engine/forget/forget.js';
import { prune } from '../engine/prune/prune.js';
import type { RunCtx } from './backup-run.js';
import type { AppDeps } from './deps.js';
import { retentionPolicy } from './plan-model.js';

export async function applyPlanRetention(
  d: AppDeps,
  targetId: string,
  planId: string,
  retention: PlanInput['retention'],
  ctx: RunCtx,
): Promise<{ forgotten: number; bytesFreed: number }> {
  const policy = retentionPolicy(retention);
  if (!policy) return { forgotten: 0, bytesFreed: 0 };
  const timeZone = d.stores.settings.get().timeZone;
  return d.repos.with(
    targetId,
    async (repo) => {
      const lock = await repo.lock(true, `retention ${planId}`, ctx.signal);
      let gone: string[];
      try {
        const groups = await forget(repo, { policy, timeZone, plan: planId, signal: ctx.signal });
        gone = groups.flatMap((g) => g.decisions.filter((x) => !x.keep).map((x) => x.snapshot.id));
      } finally {
        await lock.release().catch(() => {});
      }
      if (gone.length === 0) return { forgotten: 0, bytesFreed: 0 };
      d.stores.snapshots.remove(targetId, gone);
      ctx.log('info', `Retention: ${gone.length} snapshot(s) of this plan are past their keep period.`);
      const report = await prune(repo, { signal: ctx.signal, progress: ctx.progress });
      ctx.log('info', `Prune freed ${report.bytesFreed} bytes (${report.packsDeleted} packs deleted).`);
      return { forgotten: gone.length, bytesFreed: report.bytesFreed };
    },
    { signal: ctx.signal },
  );
}
