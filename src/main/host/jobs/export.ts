/** Plain-text export of a job and its log, times in the operator's zone (EAT by default). */
import type { Job, JobLogLine } from '../../../shared/contract/jobs.js';
import { redact } from '../../platform/logger.js';
import { formatZoned } from '../../scheduler/time-format.js';

export function exportJobLog(job: Job, lines: readonly JobLogLine[], timeZone = 'Africa/Nairobi'): string {
  const t = (iso: string | undefined) =>
    iso ? formatZoned(new Date(iso), timeZone, { seconds: true }) : '-';
  const out = [
    `Job ${job.id}: ${job.title}`,
    `Kind: ${job.kind}    State: ${job.state}    Started by: ${job.startedBy}`,
  ];
  if (job.planId) out.push(`Plan: ${job.planId}`);
  out.push(`Created: ${t(job.createdAt)}`, `Started: ${t(job.startedAt)}`, `Finished: ${t(job.finishedAt)}`);
  if (job.error) {
    out.push(`Error: [${job.error.code}] ${job.error.message}`);
    if (job.error.hint) out.push(`Hint: ${job.error.hint}`);
  }
  if (job.result) {
    out.push(
      `Result: ${Object.entries(job.result)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ')}`,
    );
  }
  out.push('', `Log (${lines.length} lines):`);
  for (const l of lines) out.push(`${t(l.time)}  ${l.level.toUpperCase().padEnd(5)}  ${l.message}`);
  return redact(`${out.join('\n')}\n`);
}
