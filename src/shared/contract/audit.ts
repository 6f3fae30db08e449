/** The append-only, hash-chained audit log. */
import { z } from 'zod';
import { Id, IsoTime, Limit } from './common.js';
import { defineCall } from './define.js';
import { ErrorCodeSchema } from './errors.js';

export const AuditOutcome = z.enum(['ok', 'denied', 'error']);

export const AuditEntry = z.object({
  seq: z.number().int(),
  time: IsoTime,
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  target: z.string(),
  /** Call parameters with secrets removed. */
  params: z.record(z.string(), z.unknown()),
  outcome: AuditOutcome,
  code: ErrorCodeSchema.optional(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  /** The first entry that was edited, deleted after, or moved. */
  firstBadSeq: z.number().int().optional(),
  reason: z.string().optional(),
});

export const auditCalls = {
  'audit.list': defineCall({
    summary: 'Audit entries, newest first, filtered',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      beforeSeq: z.number().int().min(1).optional(),
      actor: z.string().max(64).optional(),
      action: z.string().max(64).optional(),
      outcome: AuditOutcome.optional(),
      limit: Limit.default(200),
    }),
    output: z.array(AuditEntry),
  }),
  'audit.verify': defineCall({
    summary: 'Check the hash chain; names the first bad entry',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({}),
    output: AuditVerifyResult,
  }),
  'audit.export': defineCall({
    summary: 'Export the log as JSONL or CSV',
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({ format: z.enum(['jsonl', 'csv']), fromSeq: z.number().int().min(1).default(1) }),
    output: z.object({ filename: z.string(), mediaType: z.string(), content: z.string() }),
  }),
  'audit.replicate': defineCall({
    summary: "Append the journal to a storage target's repository (audit/ objects)",
    role: 'admin',
    stepUp: false,
    audit: true,
    input: z.strictObject({ targetId: Id }),
    output: z.object({ objects: z.array(z.string()), lastSeq: z.number().int() }),
  }),
};
