/** Display helpers: sizes, durations, times with their zone ("00:00 EAT (Africa/Nairobi)"). */

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatRate(bytesPerSecond: number | undefined): string {
  if (!bytesPerSecond) return '—';
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 1) return `${Math.max(0, Math.round(ms))} ms`;
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? '—' : new Intl.NumberFormat('en-GB').format(n);
}

const KNOWN_ABBREVIATIONS: Record<string, string> = {
  'Africa/Nairobi': 'EAT',
  'Africa/Dar_es_Salaam': 'EAT',
  'Africa/Kampala': 'EAT',
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
};

export function zoneAbbreviation(timeZone: string, at: Date = new Date()): string {
  const known = KNOWN_ABBREVIATIONS[timeZone];
  if (known) return known;
  for (const locale of ['en-KE', 'en-GB', 'en-US']) {
    try {
      const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName');
      if (part && !/^GMT[+-]/.test(part.value)) return part.value;
      if (part && locale === 'en-US') return part.value;
    } catch {
      return timeZone;
    }
  }
  return timeZone;
}

function parts(iso: string, timeZone: string) {
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(d);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
  return { d, date, time };
}

/** "Sun 17 Mar 2024, 02:00 EAT (Africa/Nairobi)" */
export function formatTime(iso: string | undefined, timeZone: string): string {
  if (!iso) return '—';
  const { d, date, time } = parts(iso, timeZone);
  if (Number.isNaN(d.getTime())) return iso;
  return `${date}, ${time} ${zoneAbbreviation(timeZone, d)} (${timeZone})`;
}

/** "02:00 EAT" — compact, for tables; the zone name is in the column header. */
export function formatTimeShort(iso: string | undefined, timeZone: string): string {
  if (!iso) return '—';
  const { d, date, time } = parts(iso, timeZone);
  if (Number.isNaN(d.getTime())) return iso;
  return `${date.replace(/^\w+,? /, '')} ${time} ${zoneAbbreviation(timeZone, d)}`;
}

/** "in 3 h", "12 min ago" relative to now (display only). */
export function relative(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const mins = Math.round(abs / 60_000);
  const txt =
    mins < 1
      ? 'less than a minute'
      : mins < 60
        ? `${mins} min`
        : mins < 48 * 60
          ? `${Math.round(mins / 60)} h`
          : `${Math.round(mins / 1440)} days`;
  return diff >= 0 ? `in ${txt}` : `${txt} ago`;
}

/** Today's date in a zone as YYYY-MM-DD (for "Pre-update backup 2024-03-16"). */
export function isoDateIn(timeZone: string, d: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

/** Local date-time input value ("2024-03-16T09:30") in a zone -> ISO with offset. */
export function zonedInputToIso(value: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, da, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, da, h, mi);
  const offset = zoneOffsetMinutes(timeZone, new Date(guess));
  return new Date(guess - offset * 60_000).toISOString();
}

export function isoToZonedInput(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const g = (t: string) => f.find((p) => p.type === t)?.value ?? '00';
  return `${g('year')}-${g('month')}-${g('day')}T${g('hour')}:${g('minute')}`;
}

function zoneOffsetMinutes(timeZone: string, d: Date): number {
  const local = isoToZonedInput(d.toISOString(), timeZone);
  const asUtc = Date.parse(`${local}:00Z`);
  return Math.round((asUtc - Math.floor(d.getTime() / 60_000) * 60_000) / 60_000);
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Plain words for the common cron shapes; the raw expression otherwise. */
export function describeCron(cron: string, timeZone: string): string {
  const f = cron.trim().split(/\s+/);
  const zone = zoneAbbreviation(timeZone);
  if (f.length !== 5) return cron;
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  const at = (h: string, m: string) => `${h.padStart(2, '0')}:${m.padStart(2, '0')} ${zone}`;
  if (/^\d+$/.test(min) && /^\*\/\d+$/.test(hour) && dom === '*' && mon === '*' && dow === '*')
    return `Every ${hour.slice(2)} hours (at minute ${min})`;
  if (/^\d+$/.test(min) && /^\d+$/.test(hour) && dom === '*' && mon === '*') {
    if (dow === '*') return `Daily at ${at(hour, min)}`;
    if (/^\d$/.test(dow)) return `Weekly, ${DAYS[Number(dow) % 7]} at ${at(hour, min)}`;
  }
  if (/^\*\/\d+$/.test(min) && hour === '*') return `Every ${min.slice(2)} minutes`;
  return `${cron} (${zone})`;
}
