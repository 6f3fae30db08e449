/**
 * Backup plans in the local catalog (table `plans`, migration 051). The plan body is the scheduler's
 * policy model (src/main/scheduler/policy.ts) as JSON, validated on every write. `enabled_at`
 * tells the scheduler from when a never-run plan's schedule counts (missed-run detection).
 */
import type { Database } from 'better-sqlite3';
import { AppError } from '../platform/errors.js';
import { defaultPlans, type Plan, validatePlan } from '../scheduler/policy.js';

interface PlanRow {
  id: string;
  body: string;
  enabled: number;
  created_at: string;
  updated_at: string;
  enabled_at: string | null;
}

export interface StoredPlan extends Plan {
  createdAt: string;
  updatedAt: string;
}

function fromRow(r: PlanRow): StoredPlan {
  const p = JSON.parse(r.body) as Plan;
  return { ...p, id: r.id, enabled: r.enabled === 1, createdAt: r.created_at, updatedAt: r.updated_at };
}

function body(p: Plan): string {
  const { createdAt: _c, updatedAt: _u, ...rest } = p as StoredPlan;
  return JSON.stringify(rest);
}

export class PlanStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  list(): StoredPlan[] {
    return (this.db.prepare('SELECT * FROM plans ORDER BY created_at, id').all() as PlanRow[]).map(fromRow);
  }

  get(id: string): StoredPlan | undefined {
    const r = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
    return r ? fromRow(r) : undefined;
  }

  require(id: string): StoredPlan {
    const p = this.get(id);
    if (!p)
      throw new AppError('NOT_FOUND', `No backup plan "${id}".`, {
        hint: 'List the plans to see their ids.',
      });
    return p;
  }

  create(plan: Plan): StoredPlan {
    validatePlan(plan);
    const t = this.now().toISOString();
    try {
      this.db
        .prepare(
          'INSERT INTO plans (id, name, body, enabled, created_at, updated_at, enabled_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(plan.id, plan.name, body(plan), plan.enabled ? 1 : 0, t, t, plan.enabled ? t : null);
    } catch (e) {
      if (e instanceof Error && /UNIQUE/.test(e.message)) {
        throw new AppError(
          'ALREADY_EXISTS',
          `A plan with the id "${plan.id}" or the name "${plan.name}" exists.`,
          {
            hint: 'Choose another name, or edit the existing plan.',
          },
        );
      }
      throw e;
    }
    return this.require(plan.id);
  }

  update(plan: Plan): StoredPlan {
    validatePlan(plan);
    const old = this.require(plan.id);
    const t = this.now().toISOString();
    const enabledAt = plan.enabled && !old.enabled ? t : undefined;
    this.db
      .prepare(
        `UPDATE plans SET name = ?, body = ?, enabled = ?, updated_at = ?, enabled_at = COALESCE(?, enabled_at)
         WHERE id = ?`,
      )
      .run(plan.name, body(plan), plan.enabled ? 1 : 0, t, enabledAt ?? null, plan.id);
    return this.require(plan.id);
  }

  setEnabled(id: string, enabled: boolean): StoredPlan {
    return this.update({ ...this.require(id), enabled });
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM plans WHERE id = ?').run(id);
  }

  /** First start: stores the seed's default plans if there are no plans yet. Returns how many were added. */
  seedDefaults(): number {
    const n = (this.db.prepare('SELECT COUNT(*) AS n FROM plans').get() as { n: number }).n;
    if (n > 0) return 0;
    const plans = defaultPlans();
    this.db.transaction(() => {
      for (const p of plans) this.create(p);
    })();
    return plans.length;
  }
}
