/** Words and colours for job and plan states, used the same way on every screen. */
import type { Job, JobState, Plan } from '../../shared/contract/index.js';
import { Badge, type Tone } from '../components/ui.js';

export const JOB_STATE_LABEL: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  succeeded: 'Completed',
  failed: 'Failed',
};

const JOB_STATE_TONE: Record<JobState, Tone> = {
  queued: 'info',
  running: 'run',
  cancelling: 'warn',
  cancelled: 'muted',
  succeeded: 'ok',
  failed: 'bad',
};

export function JobStateBadge({ state }: { state: JobState }) {
  return <Badge tone={JOB_STATE_TONE[state]}>{JOB_STATE_LABEL[state]}</Badge>;
}

export function isActive(job: Pick<Job, 'state'>): boolean {
  return job.state === 'queued' || job.state === 'running' || job.state === 'cancelling';
}

export type PlanRunStatus =
  | 'Completed'
  | 'Failed'
  | 'Running'
  | 'Missed'
  | 'Late'
  | 'Never run'
  | 'Paused'
  | 'Cancelled';

export function planRunStatus(plan: Plan): { label: PlanRunStatus; tone: Tone } {
  const last = plan.status.lastRun;
  if (!plan.enabled || plan.status.health === 'disabled') return { label: 'Paused', tone: 'muted' };
  if (last && (last.state === 'running' || last.state === 'cancelling'))
    return { label: 'Running', tone: 'run' };
  if (last?.state === 'queued') return { label: 'Late', tone: 'warn' };
  if (plan.status.health === 'overdue') return { label: 'Missed', tone: 'bad' };
  if (!last) return { label: 'Never run', tone: 'muted' };
  if (last.state === 'failed') return { label: 'Failed', tone: 'bad' };
  if (last.state === 'cancelled') return { label: 'Cancelled', tone: 'warn' };
  return { label: 'Completed', tone: 'ok' };
}

export const COMPONENT_LABEL: Record<string, string> = {
  postgres: 'Database (PostgreSQL)',
  mariadb: 'Database (MariaDB)',
  files: 'File uploads',
  config: 'Configuration files',
};
