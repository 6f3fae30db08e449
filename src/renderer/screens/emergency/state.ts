/** What the emergency wizard has gathered so far. */
import type {
  Incident,
  Job,
  RestoreApproval,
  RestoreScope,
  Snapshot,
} from '../../../shared/contract/index.js';

export type Severity = 'critical' | 'major' | 'minor';
export type DataLoss = 'complete' | 'corruption' | 'partial' | 'none';

export interface Assessment {
  title: string;
  severity: Severity;
  dataLoss: DataLoss;
  scope: string;
}

export interface Selection {
  targetId: string;
  snapshot: Snapshot;
  scope: RestoreScope;
  pointInTime?: string;
  why: string;
}

export interface Documentation {
  whatHappened: string;
  detectedAt: string;
  impact: string;
  plan: string;
}

export interface EmergencyState {
  assessment?: Assessment;
  selection?: Selection;
  incident?: Incident;
  approval?: RestoreApproval;
  documentation?: Documentation;
  jobId?: string;
  job?: Job;
  checklist?: { name: string; ok: boolean }[];
  result?: 'resolved' | 'follow-up';
  timeline: { time: string; text: string }[];
}

export const DATA_LOSS_LABEL: Record<DataLoss, string> = {
  complete: 'Complete loss (the data is gone)',
  corruption: 'Corruption (the data is wrong or damaged)',
  partial: 'Partial loss (some records or files are missing)',
  none: 'No data loss yet (service problem)',
};
