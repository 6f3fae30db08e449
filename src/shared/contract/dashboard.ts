/** One call for the home screen: is everything protected right now? */
import { z } from 'zod';
import { IsoTime } from './common.js';
import { defineCall, Empty } from './define.js';
import { Incident, RestoreApproval } from './emergency.js';
import { Job } from './jobs.js';
import { Plan } from './plans.js';
import { RestoreTestDue } from './restoreTests.js';
import { KeyStatus, TargetPosture } from './settings.js';

export const Attention = z.object({
  severity: z.enum(['info', 'warning', 'critical']),
  title: z.string(),
  detail: z.string(),
  /** Where the console should take the operator, e.g. "plans/<id>", "keys". */
  link: z.string().optional(),
});

export const DashboardSummary = z.object({
  generatedAt: IsoTime,
  overall: z.enum(['ok', 'warning', 'critical']),
  attention: z.array(Attention),
  plans: z.array(Plan),
  runningJobs: z.array(Job),
  recentJobs: z.array(Job),
  restoreTests: z.array(RestoreTestDue),
  keys: z.array(KeyStatus),
  posture: z.array(TargetPosture),
  openIncidents: z.array(Incident),
  pendingApprovals: z.array(RestoreApproval),
});
export type DashboardSummary = z.infer<typeof DashboardSummary>;

export const dashboardCalls = {
  'dashboard.summary': defineCall({
    summary: 'Plans, running and recent jobs, tests due, keys, posture, incidents',
    role: 'oncall',
    stepUp: false,
    audit: false,
    input: Empty,
    output: DashboardSummary,
  }),
};
