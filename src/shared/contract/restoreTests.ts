/** Recovery tests: weekly database-only, monthly partial, quarterly full; records and due dates. */
import { z } from 'zod';
import { AbsolutePath, Id, IsoTime, Limit, SnapshotId, Text } from './common.js';
import { defineCall } from './define.js';
import { JobStarted } from './jobs.js';

export const RestoreTestKind = z.enum(['database', 'partial', 'full']);
export type RestoreTestKind = z.infer<typeof RestoreTestKind>;
export const RESTORE_TEST_KINDS_ORDER = RestoreTestKind.options;
export const RestoreTestOutcome = z.enum(['passed', 'failed', 'passed-with-issues']);

export const RestoreTestCheck = z.object({
  name: z.string().min(1).max(200),
  ok: z.boolean(),
  detail: z.string().max(2000).optional(),
});

export const RestoreTestRecord = z.object({
  id: z.string(),
  kind: RestoreTestKind,
  targetId: z.string(),
  snapshotId: z.string(),
  jobId: z.string().optional(),
  startedAt: IsoTime,
  finishedAt: IsoTime,
  outcome: RestoreTestOutcome,
  checks: z.array(RestoreTestCheck),
  notes: z.string(),
  issues: z.string(),
  recordedBy: z.string(),
});
export type RestoreTestRecord = z.infer<typeof RestoreTestRecord>;

export const RestoreTestDue = z.object({
  kind: RestoreTestKind,
  /** Cadence from the procedures: database weekly, partial monthly, full quarterly. */
  everyDays: z.number().int(),
  lastAt: IsoTime.optional(),
  lastOutcome: RestoreTestOutcome.optional(),
  dueAt: IsoTime,
  overdue: z.boolean(),
});

export const restoreTestsCalls = {
  'restoreTests.list': defineCall({
    summary: 'Recorded recovery tests, newest first',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ kind: RestoreTestKind.optional(), limit: Limit.default(100) }),
    output: z.array(RestoreTestRecord),
  }),
  'restoreTests.due': defineCall({
    summary: 'When each kind of recovery test is next due',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({}),
    output: z.array(RestoreTestDue),
  }),
  'restoreTests.run': defineCall({
    summary: 'Restore a recent snapshot into a separate test environment and validate it',
    role: 'dba',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      kind: RestoreTestKind,
      targetId: Id,
      /** Default: the most recent snapshot. */
      snapshotId: SnapshotId.optional(),
      directory: AbsolutePath.optional(),
      profileId: Id.optional(),
    }),
    output: JobStarted,
  }),
  'restoreTests.record': defineCall({
    summary: 'Document the results and issues of a recovery test',
    role: 'dba',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      kind: RestoreTestKind,
      targetId: Id,
      snapshotId: SnapshotId,
      jobId: Id.optional(),
      startedAt: IsoTime,
      finishedAt: IsoTime,
      outcome: RestoreTestOutcome,
      checks: z.array(RestoreTestCheck).default([]),
      notes: Text.default(''),
      issues: Text.default(''),
    }),
    output: RestoreTestRecord,
  }),
};
