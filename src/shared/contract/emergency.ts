/**
 * Emergency recovery: incidents (documented scope and plan), restore requests that an
 * administrator approves on the same console (two-person rule), and execution by on-call.
 */
import { z } from 'zod';
import { Id, IsoTime, Name, Password, Text, TotpCode, Username } from './common.js';
import { defineCall, Ok } from './define.js';
import { JobStarted } from './jobs.js';
import { RestoreRequest } from './restore.js';

export const Severity = z.enum(['critical', 'major', 'minor']);
export const DataLoss = z.enum(['complete', 'corruption', 'partial', 'none']);
export const IncidentStatus = z.enum(['open', 'recovering', 'resolved', 'closed']);

export const IncidentNote = z.object({ time: IsoTime, author: z.string(), text: z.string() });

export const Incident = z.object({
  id: z.string(),
  title: z.string(),
  severity: Severity,
  dataLoss: DataLoss,
  scope: z.string(),
  recoveryPlan: z.string(),
  status: IncidentStatus,
  openedBy: z.string(),
  openedAt: IsoTime,
  closedAt: IsoTime.optional(),
  resolution: z.string().optional(),
  notes: z.array(IncidentNote),
});
export type Incident = z.infer<typeof Incident>;

export const ApprovalState = z.enum(['pending', 'approved', 'rejected', 'used', 'expired', 'cancelled']);

export const RestoreApproval = z.object({
  requestId: z.string(),
  incidentId: z.string(),
  request: RestoreRequest,
  /** sha256 of the canonical request parameters the approval is bound to. */
  paramsHash: z.string(),
  state: ApprovalState,
  requestedBy: z.string(),
  requestedAt: IsoTime,
  reason: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: IsoTime.optional(),
  expiresAt: IsoTime.optional(),
  jobId: z.string().optional(),
});
export type RestoreApproval = z.infer<typeof RestoreApproval>;

export const emergencyCalls = {
  'incidents.list': defineCall({
    summary: 'Incidents, open first',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ status: IncidentStatus.optional() }),
    output: z.array(Incident),
  }),
  'incidents.get': defineCall({
    summary: 'One incident with its notes',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ id: Id }),
    output: Incident,
  }),
  'incidents.open': defineCall({
    summary: 'Document an incident: severity, scope of data loss and the recovery plan',
    role: 'oncall',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      title: Name,
      severity: Severity,
      dataLoss: DataLoss,
      scope: Text.min(1),
      recoveryPlan: Text.min(1),
    }),
    output: Incident,
  }),
  'incidents.addNote': defineCall({
    summary: 'Add a note to the incident timeline, optionally changing its status',
    role: 'oncall',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      id: Id,
      text: Text.min(1),
      status: IncidentStatus.exclude(['closed']).optional(),
    }),
    output: Incident,
  }),
  'incidents.close': defineCall({
    summary: 'Close an incident with its resolution',
    role: 'oncall',
    stepUp: false,
    audit: true,
    input: z.strictObject({ id: Id, resolution: Text.min(1) }),
    output: Incident,
  }),
  'emergency.requestRestore': defineCall({
    summary: 'Ask an administrator to authorize a restore to production for an incident',
    role: 'oncall',
    stepUp: false,
    audit: true,
    input: z.strictObject({ incidentId: Id, request: RestoreRequest, reason: Text.min(1) }),
    output: RestoreApproval,
  }),
  'approvals.list': defineCall({
    summary: 'Restore approval requests',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: z.strictObject({ state: ApprovalState.optional(), incidentId: Id.optional() }),
    output: z.array(RestoreApproval),
  }),
  'approvals.decide': defineCall({
    summary:
      'An administrator signs in on this console (without replacing the current session) and approves ' +
      'or rejects one request',
    role: 'oncall',
    stepUp: false,
    audit: true,
    input: z.strictObject({
      requestId: Id,
      decision: z.enum(['approve', 'reject']),
      username: Username,
      password: Password(),
      totp: TotpCode(),
      comment: Text.optional(),
    }),
    output: RestoreApproval,
  }),
  'approvals.cancel': defineCall({
    summary: 'Withdraw a pending or approved request',
    role: 'oncall',
    stepUp: false,
    audit: true,
    input: z.strictObject({ requestId: Id }),
    output: Ok,
  }),
  'emergency.executeRestore': defineCall({
    summary: 'Run an approved emergency restore to production (once, before the approval expires)',
    role: 'oncall',
    stepUp: true,
    audit: true,
    input: z.strictObject({ requestId: Id }),
    output: JobStarted,
  }),
};
