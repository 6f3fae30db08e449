/** CLI output: a progress line on a TTY (stderr), quiet otherwise; sizes and durations for humans. */
import type { ProgressReporter, ProgressSnapshot } from '../engine/progress.js';

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function humanDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

export function progressLine(p: ProgressSnapshot, width = 100): string {
  const pct = p.bytesTotal
    ? ` ${Math.min(100, (100 * p.bytesDone) / Math.max(1, p.bytesTotal)).toFixed(0)}%`
    : '';
  const total = p.bytesTotal !== undefined ? ` / ${humanBytes(p.bytesTotal)}` : '';
  const files = p.filesTotal !== undefined ? `${p.filesDone}/${p.filesTotal} files` : `${p.filesDone} files`;
  const eta = p.etaSeconds !== undefined ? `  ETA ${humanDuration(p.etaSeconds)}` : '';
  const head = `[${p.phase}] ${humanBytes(p.bytesDone)}${total}${pct}  ${files}  ${humanBytes(p.rate)}/s${eta}`;
  const room = width - head.length - 2;
  const cur =
    p.current && room > 10
      ? `  ${p.current.length > room ? `…${p.current.slice(-(room - 1))}` : p.current}`
      : '';
  return head + cur;
}

export class CliProgress implements ProgressReporter {
  private last = '';
  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}
  update(p: ProgressSnapshot): void {
    if (!this.enabled) return;
    const line = progressLine(p, this.stream.columns ?? 100);
    if (line === this.last) return;
    this.last = line;
    this.stream.write(`\r\x1b[2K${line}`);
  }
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.clear();
    if (level !== 'info' || this.enabled)
      this.stream.write(`${level === 'info' ? '' : `${level}: `}${message}\n`);
  }
  clear(): void {
    if (this.enabled && this.last) this.stream.write('\r\x1b[2K');
    this.last = '';
  }
}
