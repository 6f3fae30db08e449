/** The incident report: a self-contained HTML file with the timeline, for the incident record. */
import type { Incident, Job, RestoreApproval } from '../../../shared/contract/index.js';
import { formatTime } from '../../lib/format.js';
import { SCOPE_LABEL } from '../restore/ScopePicker.js';
import type { Validation } from '../restore/validation.js';
import type { Documentation, Selection } from './state.js';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface ReportInput {
  incident: Incident;
  selection: Selection;
  approval?: RestoreApproval;
  documentation?: Documentation;
  job?: Job;
  validation?: Validation;
  checklist: { name: string; ok: boolean }[];
  result: string;
  timeZone: string;
  generatedAt: string;
  organisation: string;
}

export function buildTimeline(r: ReportInput): { time: string; text: string }[] {
  const t: { time: string; text: string }[] = [];
  t.push({
    time: r.incident.openedAt,
    text: `Incident opened by ${r.incident.openedBy} (${r.incident.severity})`,
  });
  if (r.documentation) t.push({ time: r.documentation.detectedAt, text: 'Problem detected' });
  if (r.approval) {
    t.push({ time: r.approval.requestedAt, text: `Restore approval requested by ${r.approval.requestedBy}` });
    if (r.approval.decidedAt)
      t.push({
        time: r.approval.decidedAt,
        text: `Restore ${r.approval.state} by ${r.approval.decidedBy ?? '?'}`,
      });
  }
  for (const n of r.incident.notes) t.push({ time: n.time, text: `Note by ${n.author}: ${n.text}` });
  if (r.job?.startedAt) t.push({ time: r.job.startedAt, text: `Restore started (job ${r.job.id})` });
  if (r.job?.finishedAt) t.push({ time: r.job.finishedAt, text: `Restore finished: ${r.job.state}` });
  t.push({ time: r.generatedAt, text: `Validation: ${r.result}` });
  return t.sort((a, b) => a.time.localeCompare(b.time));
}

export function incidentReportHtml(r: ReportInput): string {
  const tz = r.timeZone;
  const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const s = r.selection;
  const validationRows = (r.validation?.rows ?? [])
    .map((v) => `<tr><td>${esc(v.name)}</td><td>${esc(v.status)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Incident report: ${esc(r.incident.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2em auto;color:#111}table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f2f2f2;width:30%}h1{font-size:1.6em}</style></head><body>
<h1>Incident report: ${esc(r.incident.title)}</h1>
<p>${esc(r.organisation || 'Mvono Consultants')} · generated ${esc(formatTime(r.generatedAt, tz))}</p>
<h2>Incident</h2><table>
${row('Incident id', r.incident.id)}${row('Severity', r.incident.severity)}${row('Data loss', r.incident.dataLoss)}
${row('Scope', r.incident.scope)}${row('Opened', `${formatTime(r.incident.openedAt, tz)} by ${r.incident.openedBy}`)}
${r.documentation ? row('What happened', r.documentation.whatHappened) + row('Detected at', formatTime(r.documentation.detectedAt, tz)) + row('Impact', r.documentation.impact) + row('Recovery plan', r.documentation.plan) : ''}
</table>
<h2>Recovery</h2><table>
${row('Backup restored', `${formatTime(s.snapshot.time, tz)} — ${s.snapshot.name ?? s.snapshot.plan ?? ''} (${s.snapshot.id})`)}
${row('Why this backup', s.why)}${row('Restore type', SCOPE_LABEL[s.scope.kind])}${row('Target', 'Production')}
${r.approval ? row('Authorized by', `${r.approval.decidedBy ?? '—'} at ${formatTime(r.approval.decidedAt, tz)} (request ${r.approval.requestId})`) : ''}
${r.job ? row('Restore job', `${r.job.id}: ${r.job.state}, ${formatTime(r.job.startedAt, tz)} – ${formatTime(r.job.finishedAt, tz)}`) : ''}
${row('Result', r.result)}
</table>
<h2>Validation</h2>
<table><tr><th>Check</th><td>Result</td></tr>${r.checklist.map((c) => `<tr><td>${esc(c.name)}</td><td>${c.ok ? 'OK' : 'NOT OK'}</td></tr>`).join('')}</table>
${validationRows ? `<table><tr><th>Table</th><td>Result</td></tr>${validationRows}</table>` : ''}
<h2>Timeline (${esc(tz)})</h2>
<table>${buildTimeline(r)
    .map((e) => `<tr><th>${esc(formatTime(e.time, tz))}</th><td>${esc(e.text)}</td></tr>`)
    .join('')}</table>
</body></html>`;
}

export function download(filename: string, mediaType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mediaType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
