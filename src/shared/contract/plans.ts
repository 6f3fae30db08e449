/** Backup plans: what, when (cron + time zone), where, how long. Implemented by the scheduler. */
import { z } from 'zod';
import { AbsolutePath, Cron, Id, IsoTime, Name, TimeZone } from './common.js';
import { defineCall, Empty, Ok } from './define.js';
import { JobStarted, JobState } from './jobs.js';

export const PlanKind = z.enum(['database-full', 'incremental', 'files', 'system', 'schema']);
export type PlanKind = z.infer<typeof PlanKind>;

export const Schedule = z.object({ cron: Cron, timeZone: TimeZone });

export const PlanComponent = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['files', 'config']), name: Id, paths: z.array(AbsolutePath).min(1) }),
  z.object({
    type: z.enum(['postgres', 'mariadb']),
    name: Id,
    profileId: Id,
    /** Databases on that server; empty = the profile's database. */
    databases: z.array(z.string().min(1).max(63)).default([]),
  }),
]);
export type PlanComponent = z.infer<typeof PlanComponent>;

export const Retention = z.object({
  keepDays: z.number().int().min(1).max(3650).optional(),
  keepWeeks: z.number().int().min(1).max(520).optional(),
  keepLast: z.number().int().min(1).max(10_000).optional(),
  keepForever: z.boolean().default(false),
});

export const PlanInput = z.strictObject({
  name: Name,
  kind: PlanKind,
  schedule: Schedule,
  components: z.array(PlanComponent).min(1),
  targetId: Id,
  /** Other storage targets each new snapshot is copied to. */
  copyTo: z.array(Id).default([]),
  retention: Retention,
  enabled: z.boolean().default(true),
});
export type PlanInput = z.infer<typeof PlanInput>;

export const PlanHealth = z.enum(['ok', 'warning', 'failed', 'never-run', 'disabled', 'overdue']);

export const Plan = PlanInput.extend({
  id: z.string(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  status: z.object({
    health: PlanHealth,
    nextRunAt: IsoTime.optional(),
    lastRun: z
      .object({
        jobId: z.string(),
        state: JobState,
        finishedAt: IsoTime.optional(),
        snapshotId: z.string().optional(),
      })
      .optional(),
    lastSuccessAt: IsoTime.optional(),
  }),
});
export type Plan = z.infer<typeof Plan>;

export const plansCalls = {
  'plans.list': defineCall({
    summary: 'All plans with their status and next run',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: Empty,
    output: z.array(Plan),
  }),
  'plans.get': defineCall({
    summary: 'One plan',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ id: Id }),
    output: Plan,
  }),
  'plans.create': defineCall({
    summary: 'Create a plan',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: PlanInput,
    output: Plan,
  }),
  'plans.update': defineCall({
    summary: 'Change a plan',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({ id: Id, plan: PlanInput }),
    output: Plan,
  }),
  'plans.setEnabled': defineCall({
    summary: 'Pause or resume a plan',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({ id: Id, enabled: z.boolean() }),
    output: Plan,
  }),
  'plans.delete': defineCall({
    summary: 'Delete a plan (its snapshots stay in the repository)',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({ id: Id }),
    output: Ok,
  }),
  'plans.runNow': defineCall({
    summary: 'Run a plan now',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({ id: Id }),
    output: JobStarted,
  }),
  'plans.previewSchedule': defineCall({
    summary: 'The next run times of a cron expression in a time zone',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ schedule: Schedule, count: z.number().int().min(1).max(50).default(5) }),
    output: z.array(IsoTime),
  }),
};
