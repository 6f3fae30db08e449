/**
 * Two plan models meet here. The scheduler's (scheduler/policy.ts: abstract components, target
 * role, one retention rule, missed-run window, retries) is what the PlanStore keeps and the
 * scheduler runs; the contract's (shared/contract/plans.ts: concrete components, storage target
 * id, keepDays/keepWeeks/keepLast/keepForever) is what the console edits. The stored body is the
 * scheduler plan plus `spec`, the contract's concrete part. Seeded default plans have no spec
 * until the operator configures them (plans.create with the same name adopts the seeded plan and
 * keeps its scheduler policy: schema-change trigger, missed-run window, retries).
 */
import type { PlanComponent, PlanInput } from '../../shared/contract/plans.js';
import type { StorageTarget } from '../../shared/contract/settings.js';
import type { StoredPlan } from '../catalog/plans.js';
import type { RetentionPolicy } from '../engine/forget/policy.js';
import {
  DEFAULT_MISSED_RUN_WINDOW_HOURS,
  DEFAULT_PLANS,
  DEFAULT_RETRY,
  type PlanComponent as SchedComponent,
  type Plan as SchedPlan,
  type Retention as SchedRetention,
} from '../scheduler/policy.js';

export interface PlanSpec {
  components: PlanComponent[];
  targetId: string;
  copyTo: string[];
  retention: PlanInput['retention'];
}

export type AppPlan = SchedPlan & { spec?: PlanSpec };
export type StoredAppPlan = StoredPlan & { spec?: PlanSpec };

export function isConfigured<T extends AppPlan>(p: T): p is T & { spec: PlanSpec } {
  return p.spec !== undefined;
}

function schedRetention(r: PlanInput['retention']): SchedRetention {
  if (r.keepForever) return { forever: true };
  if (r.keepDays !== undefined) return { keepWithinDays: r.keepDays };
  if (r.keepWeeks !== undefined) return { keepWeeks: r.keepWeeks };
  // keepLast alone has no counterpart in the scheduler's model; the spec is what retention applies.
  return { forever: true };
}

function abstractComponents(cs: PlanComponent[]): SchedComponent[] {
  const out = new Set<SchedComponent>();
  for (const c of cs) out.add(c.type === 'postgres' || c.type === 'mariadb' ? 'database' : c.type);
  return [...out];
}

export function slugId(name: string, taken: (id: string) => boolean): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'plan';
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  return id;
}

/** The scheduler plan for a contract input; `base` (an existing or seeded plan) keeps its policy. */
export function toStored(input: PlanInput, id: string, target: StorageTarget, base?: AppPlan): AppPlan {
  const seed = DEFAULT_PLANS.find((p) => p.kind === input.kind);
  const policy = base ?? seed;
  return {
    id,
    name: input.name,
    kind: input.kind,
    description: base?.description ?? seed?.description ?? '',
    cron: input.schedule.cron,
    timeZone: input.schedule.timeZone,
    trigger: input.kind === 'schema' ? 'schema-change' : 'schedule',
    retention: schedRetention(input.retention),
    target: input.kind === 'schema' ? 'git' : target.role === 'secondary' ? 'secondary' : 'primary',
    components: abstractComponents(input.components),
    enabled: input.enabled,
    missedRunWindowHours: policy?.missedRunWindowHours ?? DEFAULT_MISSED_RUN_WINDOW_HOURS,
    reportMissed: policy?.reportMissed ?? true,
    retry: policy?.retry ?? DEFAULT_RETRY,
    spec: {
      components: input.components,
      targetId: input.targetId,
      copyTo: input.copyTo,
      retention: input.retention,
    },
  };
}

export function toInput(p: AppPlan & { spec: PlanSpec }): PlanInput {
  return {
    name: p.name,
    kind: p.kind,
    schedule: { cron: p.cron, timeZone: p.timeZone },
    components: p.spec.components,
    targetId: p.spec.targetId,
    copyTo: p.spec.copyTo,
    retention: p.spec.retention,
    enabled: p.enabled,
  };
}

/** The engine's retention policy for a plan's snapshots; undefined = keep everything. */
export function retentionPolicy(r: PlanInput['retention']): RetentionPolicy | undefined {
  if (r.keepForever) return undefined;
  const p: RetentionPolicy = {};
  if (r.keepDays !== undefined) p.keepWithin = `${r.keepDays}d`;
  if (r.keepWeeks !== undefined) p.keepWithinWeekly = `${r.keepWeeks}w`;
  if (r.keepLast !== undefined) p.keepLast = r.keepLast;
  return Object.keys(p).length > 0 ? p : undefined;
}
