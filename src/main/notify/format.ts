/** Subject and body text of a notification, with times in the plan's zone (EAT) and no secrets. */
import { redact } from '../platform/logger.js';
import { formatZoned } from '../scheduler/time-format.js';
import type { Notification } from './types.js';

function what(n: Notification): string {
  return n.plan?.name ?? n.subject ?? 'Backup job';
}

export function subjectOf(n: Notification): string {
  const when = formatZoned(new Date(n.scheduledFor[0] ?? n.time), n.timeZone);
  if (n.event === 'backup.missed') {
    const count = n.scheduledFor.length;
    return redact(`[Mvono Backup] MISSED: ${what(n)}${count > 1 ? ` (${count} runs)` : ''} due ${when}`);
  }
  return redact(`[Mvono Backup] FAILED: ${what(n)} (${when})`);
}

export function bodyOf(n: Notification): string {
  const lines: string[] = [];
  const fmt = (iso: string) => formatZoned(new Date(iso), n.timeZone);
  if (n.event === 'backup.missed') {
    lines.push(`The scheduled backup "${what(n)}" did not run at its scheduled time.`, '');
    lines.push('Missed run(s):', ...n.scheduledFor.map((t) => `  - ${fmt(t)}`), '');
    lines.push(`Noticed at: ${fmt(n.time)}`);
    lines.push('', 'The console was not running (machine off or asleep). The most recent missed run is');
    lines.push("caught up once when the console starts, if it is still within the plan's window.");
  } else {
    lines.push(`The backup "${what(n)}" FAILED.`, '');
    if (n.scheduledFor[0]) lines.push(`Scheduled for: ${fmt(n.scheduledFor[0])}`);
    lines.push(`Failed at:     ${fmt(n.time)}`);
    if (n.attempts !== undefined) lines.push(`Attempts:      ${n.attempts}`);
    if (n.error) {
      lines.push('', `Error: [${n.error.code}] ${n.error.message}`);
      if (n.error.hint) lines.push(`What to do: ${n.error.hint}`);
    }
  }
  lines.push(
    '',
    'Review: Admin Settings > System > Backups, and the job log, then address the issue immediately.',
  );
  lines.push('Escalation path: System Administrator, IT Manager, Operations Director, Managing Director.');
  lines.push('', '-- Mvono Backup Console');
  return redact(lines.join('\n'));
}

/** The webhook's JSON body. */
export function webhookPayload(n: Notification): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    event: n.event,
    plan: n.plan ?? null,
    time: n.time,
    timeLocal: formatZoned(new Date(n.time), n.timeZone),
    scheduledFor: n.scheduledFor,
    error: n.error
      ? {
          ...n.error,
          message: redact(n.error.message),
          ...(n.error.hint ? { hint: redact(n.error.hint) } : {}),
        }
      : null,
  };
  if (n.subject) payload.subject = redact(n.subject);
  if (n.attempts !== undefined) payload.attempts = n.attempts;
  return payload;
}
