/** Long work (backup, restore, test, check, copy, prune, rotation) runs as a Job. */
import { z } from 'zod';
import { Id, IsoTime, Limit } from './common.js';
import { defineCall } from './define.js';
import { ApiErrorSchema } from './errors.js';

export const JOB_STATES = ['queued', 'running', 'cancelling', 'cancelled', 'succeeded', 'failed'] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

export const JobKind = z.enum([
  'backup',
  'restore',
  'restore-test',
  'check',
  'prune',
  'copy',
  'refresh',
  'key-rotation',
  'schema-export',
]);
export type JobKind = z.infer<typeof JobKind>;

/** Same fields as engine/progress.ts ProgressSnapshot. */
export const JobProgress = z.object({
  phase: z.string(),
  bytesDone: z.number(),
  bytesTotal: z.number().optional(),
  filesDone: z.number(),
  filesTotal: z.number().optional(),
  current: z.string().optional(),
  rate: z.number(),
  etaSeconds: z.number().optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobLogLine = z.object({
  seq: z.number().int(),
  time: IsoTime,
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export type JobLogLine = z.infer<typeof JobLogLine>;

export const Job = z.object({
  id: z.string(),
  kind: JobKind,
  title: z.string(),
  state: JobState,
  planId: z.string().optional(),
  targetId: z.string().optional(),
  /** Who started it: a username, or "scheduler". */
  startedBy: z.string(),
  createdAt: IsoTime,
  startedAt: IsoTime.optional(),
  finishedAt: IsoTime.optional(),
  progress: JobProgress.optional(),
  error: ApiErrorSchema.optional(),
  /** e.g. the snapshot id a backup produced, the counts a restore wrote. */
  result: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  warnings: z.number().int().default(0),
});
export type Job = z.infer<typeof Job>;

export const JobStarted = z.object({ jobId: z.string() });

export const jobsCalls = {
  'jobs.list': defineCall({
    summary: 'Recent and running jobs, newest first',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({
      state: JobState.optional(),
      kind: JobKind.optional(),
      planId: Id.optional(),
      limit: Limit.default(100),
    }),
    output: z.array(Job),
  }),
  'jobs.get': defineCall({
    summary: 'One job',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ id: Id }),
    output: Job,
  }),
  'jobs.log': defineCall({
    summary: "A job's log lines after a sequence number",
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({
      id: Id,
      afterSeq: z.number().int().min(0).default(0),
      limit: Limit.default(500),
    }),
    output: z.array(JobLogLine),
  }),
  'jobs.cancel': defineCall({
    summary: 'Cancel a queued or running job',
    role: 'oncall',
    stepUp: false,
    audit: true,
    input: z.strictObject({ id: Id }),
    output: Job,
  }),
};
