/**
 * BackupService: a manual backup ("Pre-update backup 2024-03-16") of the selected components.
 * Components come from the named plan, or from every configured plan (deduplicated); the
 * selection (all / database / files / config) filters them.
 */
import type { PlanComponent } from '../../shared/contract/plans.js';
import type { BackupService } from '../host/ports.js';
import { AppError } from '../platform/errors.js';
import { runBackup } from './backup-run.js';
import { type AppDeps, jobOpts } from './deps.js';
import { isConfigured, type StoredAppPlan } from './plan-model.js';

type Selection = 'all' | 'database' | 'files' | 'config';

function selected(c: PlanComponent, select: Selection[]): boolean {
  if (select.includes('all')) return true;
  if (c.type === 'postgres' || c.type === 'mariadb') return select.includes('database');
  return select.includes(c.type);
}

/** Unique components: same definition once; a name clash between different ones gets a suffix. */
export function mergeComponents(lists: PlanComponent[][]): PlanComponent[] {
  const out: PlanComponent[] = [];
  const seen = new Set<string>();
  for (const c of lists.flat()) {
    const key = JSON.stringify({ ...c, name: '' });
    if (seen.has(key)) continue;
    seen.add(key);
    let name = c.name;
    for (let n = 2; out.some((o) => o.name.toLowerCase() === name.toLowerCase()); n++)
      name = `${c.name}-${n}`;
    out.push({ ...c, name });
  }
  return out;
}

export function backupService(d: AppDeps): BackupService {
  return {
    async startManual(input, actor) {
      const plans = (d.plans.list() as StoredAppPlan[]).filter(isConfigured);
      const source = input.planId
        ? plans.filter((p) => p.id === input.planId)
        : plans.filter((p) => p.enabled);
      if (input.planId && source.length === 0) {
        throw new AppError('NOT_FOUND', `No configured backup plan "${input.planId}".`);
      }
      const components = mergeComponents(
        source.filter((p) => p.kind !== 'schema').map((p) => p.spec.components),
      ).filter((c) => selected(c, input.select));
      if (components.length === 0) {
        throw new AppError('INVALID_INPUT', 'Nothing to back up for the selected components.', {
          hint: 'Set up a plan with a database, file uploads or configuration first (Settings > Plans and schedules).',
        });
      }
      const target = d.stores.targets.get(input.targetId);
      const job = d.jobs.start(
        'backup',
        `Manual backup "${input.name}" to ${target.name}`,
        async (ctx) => {
          const out = await runBackup(
            d,
            {
              targetId: input.targetId,
              components,
              name: input.name,
              kind: 'manual',
              tags: ['manual', ...input.tags],
            },
            ctx,
          );
          const s = out.snapshot;
          d.bus.emit('dashboard.invalidate', { topics: ['snapshots'] });
          return {
            snapshotId: s.id,
            files: s.summary.files,
            bytes: s.summary.bytes,
            addedBytes: s.summary.addedBytes,
            components: s.components.map((c) => c.name).join(', '),
          };
        },
        jobOpts(actor.username, input.targetId, input.planId),
      );
      return { jobId: job.id };
    },
  };
}
