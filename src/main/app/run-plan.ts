/**
 * The scheduler's runPlan: a plan's backup into its storage target, copies (its copyTo targets
 * and, for the weekly complete-system plan, the secondary target), then retention. Schema plans
 * commit each database's normalised schema to the schema-history git repository when it changed.
 */

import { AppError } from '../platform/errors.js';
import type { Plan as SchedPlan } from '../scheduler/policy.js';
import type { RunContext, RunResult } from '../scheduler/types.js';
import { recordSchema } from '../sources/index.js';
import { databasesOf, runBackup } from './backup-run.js';
import type { AppDeps } from './deps.js';
import { type AppPlan, isConfigured, type PlanSpec } from './plan-model.js';
import { applyPlanRetention } from './retention.js';

function copyTargets(d: AppDeps, plan: AppPlan, spec: PlanSpec): string[] {
  const out = new Set(spec.copyTo);
  if (plan.kind === 'system') {
    const primary = d.stores.targets.get(spec.targetId);
    const secondary = d.stores.targets.list().find((t) => t.role === 'secondary');
    if (secondary && primary.role !== 'secondary') out.add(secondary.id);
  }
  out.delete(spec.targetId);
  return [...out];
}

async function runSchema(d: AppDeps, spec: PlanSpec, ctx: RunContext): Promise<RunResult> {
  const lines: string[] = [];
  for (const c of spec.components) {
    if (c.type !== 'postgres' && c.type !== 'mariadb') continue;
    for (const db of await databasesOf(d, c)) {
      const r = await recordSchema(
        db.profile,
        { repoDir: d.paths.schemaHistory, clock: d.clock },
        { ...(db.password !== undefined ? { password: db.password } : {}), signal: ctx.signal },
      );
      const line = `${db.profile.database}: ${r.committed ? `committed ${r.commit?.slice(0, 8)} (${r.summary})` : 'no change'}`;
      ctx.log('info', line);
      if (r.pushError) ctx.log('warn', r.pushError);
      lines.push(line);
    }
  }
  if (lines.length === 0) {
    throw new AppError('CONFIG', 'The schema plan names no database.', {
      hint: 'Add a database component to the plan.',
    });
  }
  return { ok: true, summary: lines.join('; ') };
}

export function makeRunPlan(d: AppDeps) {
  return async (sched: SchedPlan, ctx: RunContext): Promise<RunResult> => {
    const plan = (d.plans.get(sched.id) ?? sched) as AppPlan;
    if (!isConfigured(plan)) {
      throw new AppError('CONFIG', `Plan "${plan.name}" has no components or storage target configured.`, {
        hint: 'Open Settings > Plans and schedules and choose what it backs up and where.',
      });
    }
    const spec = plan.spec;
    if (plan.kind === 'schema') return runSchema(d, spec, ctx);
    if (ctx.late) ctx.log('warn', 'This run is late (the console was not running at its scheduled time).');
    const out = await runBackup(
      d,
      {
        targetId: spec.targetId,
        components: spec.components,
        name: plan.name,
        plan: plan.id,
        kind: 'scheduled',
        tags: [ctx.trigger === 'schedule' ? 'scheduled' : ctx.trigger, ...(ctx.late ? ['late'] : [])],
        copyTo: copyTargets(d, plan, spec),
      },
      ctx,
    );
    const kept = await applyPlanRetention(d, spec.targetId, plan.id, spec.retention, ctx);
    for (const c of out.copies) await applyPlanRetention(d, c.targetId, plan.id, spec.retention, ctx);
    const s = out.snapshot;
    const summary =
      `Snapshot ${s.id.slice(0, 8)}: ${s.summary.files} files, ${s.summary.bytes} bytes ` +
      `(${s.summary.addedBytes} new)${out.copies.length ? `, copied to ${out.copies.length} target(s)` : ''}` +
      `${kept.forgotten ? `; ${kept.forgotten} old snapshot(s) removed` : ''}.`;
    return {
      ok: true,
      summary,
      snapshotId: s.id,
      details: { snapshotId: s.id, files: s.summary.files, bytes: s.summary.bytes },
    };
  };
}
