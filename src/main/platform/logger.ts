/**
 * Structured logging with secret redaction. Every line that leaves the process (stderr, a job
 * log, a notification) goes through `redact()` first, so a password that slipped into an error
 * message or a command line is masked before anyone can read it.
 *
 * Redaction is pattern-based (credentials in URIs, `password=`-style assignments, Authorization
 * headers, AWS secret-looking keys, PEM private keys) plus exact values registered with
 * `registerSecret()` (e.g. a password read from the keychain).
 */
import { type Clock, systemClock } from './clock.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  time: string;
  level: LogLevel;
  scope?: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export const MASK = '***';

const KEY_NAMES =
  '[A-Za-z_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)' +
  '|mysql_pwd|pgpassword';
/** `password=x`, `PGPASSWORD=x`, `"secret": "x"`, `aws_secret_access_key = x`. */
const ASSIGNMENT = new RegExp(
  `(\\b(?:${KEY_NAMES})\\b["']?)(\\s*[=:]\\s*)("[^"]*"|'[^']*'|[^\\s&;,"'}\\]]+)`,
  'gi',
);
/** `--password x` on a command line. */
const CLI_FLAG = new RegExp(`(--(?:${KEY_NAMES}) +)("[^"]*"|'[^']*'|[^\\s"']+)`, 'gi');
/** `scheme://user:password@host` → `scheme://user:***@host`. */
const URI_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;
const AUTH_HEADER = /\b(authorization\s*:\s*(?:bearer|basic|token)?\s*)([^\s,;]+)/gi;
/** 40 base64 characters standing alone, with both cases (an AWS secret key; not a hex digest). */
const AWS_SECRET = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const PEM_PRIVATE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;

const registered = new Set<string>();

/** Masks this exact value wherever it appears in later log lines (values shorter than 4 are ignored). */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 4) registered.add(value);
}

/** Forgets registered values (tests). */
export function clearRegisteredSecrets(): void {
  registered.clear();
}

function maskValue(v: string): string {
  if (v.startsWith('"')) return `"${MASK}"`;
  if (v.startsWith("'")) return `'${MASK}'`;
  return MASK;
}

/** Returns `text` with every known secret pattern and registered secret masked. */
export function redact(text: string): string {
  let out = text;
  for (const s of registered) out = out.split(s).join(MASK);
  out = out.replace(PEM_PRIVATE, `[private key ${MASK}]`);
  out = out.replace(URI_CREDENTIALS, (_m, pre: string) => `${pre}:${MASK}@`);
  out = out.replace(AUTH_HEADER, (_m, pre: string) => `${pre}${MASK}`);
  out = out.replace(ASSIGNMENT, (m, key: string, sep: string, value: string) =>
    value === MASK || value.startsWith(`"${MASK}`) ? m : `${key}${sep}${maskValue(value)}`,
  );
  out = out.replace(CLI_FLAG, (_m, flag: string, value: string) => `${flag}${maskValue(value)}`);
  out = out.replace(AWS_SECRET, (m) => (/[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) ? MASK : m));
  return out;
}

/** Redacts strings inside a structured value (objects, arrays); keys that name secrets are masked whole. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = new RegExp(`^(?:${KEY_NAMES})$`, 'i').test(k) ? MASK : redactValue(v, depth + 1);
  }
  return out;
}

export type LogSink = (record: LogRecord) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One JSON object per line on stderr. */
export const stderrSink: LogSink = (r) => {
  process.stderr.write(`${JSON.stringify(r)}\n`);
};

export function createLogger(
  opts: { sink?: LogSink; clock?: Clock; level?: LogLevel; scope?: string } = {},
): Logger {
  const sink = opts.sink ?? stderrSink;
  const clock = opts.clock ?? systemClock;
  const min = LEVELS[opts.level ?? 'info'];
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const record: LogRecord = { time: clock.now().toISOString(), level, message: redact(message) };
    if (opts.scope !== undefined) record.scope = opts.scope;
    if (fields !== undefined) record.fields = redactValue(fields) as Record<string, unknown>;
    sink(record);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (scope) =>
      createLogger({ ...opts, scope: opts.scope === undefined ? scope : `${opts.scope}.${scope}` }),
  };
}

/** A logger that drops everything (default for components whose caller passes none). */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
};
