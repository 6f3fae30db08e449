/**
 * The scheduler's JobLauncher over the JobManager: scheduled runs are started by "scheduler",
 * "Run now" by the signed-in user; each job runs in its plan target's repository lane, and the
 * last job started per plan is remembered so plans.runNow can answer with its id.
 */
import type { JobManager } from '../host/jobs/manager.js';
import type { FinishedJob, JobLauncher, LaunchedJobContext } from '../scheduler/types.js';

export class PlanLauncher implements JobLauncher {
  private startedBy: string | undefined;
  readonly lastJob = new Map<string, string>();

  constructor(
    private readonly jobs: JobManager,
    private readonly targetOf: (planId: string) => string | undefined,
  ) {}

  start(
    kind: 'backup' | 'schema-export',
    title: string,
    work: (ctx: LaunchedJobContext) => Promise<unknown>,
    opts: { planId?: string; repository?: string } = {},
  ): { id: string } {
    const targetId = opts.planId ? this.targetOf(opts.planId) : undefined;
    const job = this.jobs.start(kind, title, work, {
      startedBy: this.startedBy ?? 'scheduler',
      ...(opts.planId ? { planId: opts.planId } : {}),
      ...(targetId ? { targetId, repository: targetId } : {}),
    });
    if (opts.planId) this.lastJob.set(opts.planId, job.id);
    return job;
  }

  async wait(id: string): Promise<FinishedJob> {
    const j = await this.jobs.wait(id);
    return { state: j.state, error: j.error, result: j.result };
  }

  cancel(id: string): void {
    this.jobs.cancel(id);
  }

  /** Runs `fn` (which starts jobs synchronously) with jobs attributed to `username`. */
  as<T>(username: string, fn: () => T): T {
    this.startedBy = username;
    try {
      return fn();
    } finally {
      this.startedBy = undefined;
    }
  }
}
