/**
 * Operator-facing times: wall-clock time in the plan's zone with the zone named, e.g.
 * "2026-03-16 00:00 EAT (UTC+03:00)". EAT is what the seed's policy is written in.
 */
import { DEFAULT_TIME_ZONE } from './policy.js';

/** Abbreviations Intl does not give in en-US (it says "GMT+3" for Nairobi). */
const ABBREVIATIONS: Record<string, string> = {
  'Africa/Nairobi': 'EAT',
  'Africa/Kampala': 'EAT',
  'Africa/Dar_es_Salaam': 'EAT',
  'Africa/Addis_Ababa': 'EAT',
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
};

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  return parts.find((p) => p.type === type)?.value ?? '';
}

/** UTC offset of `tz` at `d` as "+03:00". */
export function utcOffset(d: Date, tz: string): string {
  const name = part(
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(d),
    'timeZoneName',
  );
  const m = /GMT([+-]\d{2}:\d{2})/.exec(name);
  return m?.[1] ?? '+00:00';
}

/** "2026-03-16 00:00 EAT (UTC+03:00)" */
export function formatZoned(d: Date, tz = DEFAULT_TIME_ZONE, opts: { seconds?: boolean } = {}): string {
  const p = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(d);
  const offset = utcOffset(d, tz);
  const abbr = ABBREVIATIONS[tz] ?? part(p, 'timeZoneName');
  const time = `${part(p, 'hour')}:${part(p, 'minute')}${opts.seconds ? `:${part(p, 'second')}` : ''}`;
  return `${part(p, 'year')}-${part(p, 'month')}-${part(p, 'day')} ${time} ${abbr} (UTC${offset})`;
}
