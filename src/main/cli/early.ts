/**
 * What the `mvono-backup` entry point starts before the CLI's modules load (~0.2 s here): for a
 * command that opens a repository with a passphrase, the scrypt child that will derive its key
 * (crypto/slots/scrypt.ts), so the child's own start-up overlaps the CLI's; and for a local
 * repository, the derivation itself: the key slots are read and each passphrase slot's KDF started
 * at once. The unlock that follows gets the same input and takes that result (deriveScrypt
 * remembers it). Anything unexpected here (no repository yet, unreadable slots) is left for the
 * command itself to meet and report; nothing is decided here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { deriveScrypt, prestartScryptChild } from '../crypto/slots/scrypt.js';

/** The built-in commands that open a repository (so may unlock a passphrase slot). */
export const REPOSITORY_COMMANDS: readonly string[] = [
  'init',
  'backup',
  'snapshots',
  'ls',
  'restore',
  'diff',
  'check',
  'forget',
  'prune',
  'copy',
  'key',
  'stats',
  'unlock',
];

/** True when `argv` (without node and the script) runs a repository command with a passphrase. */
export function needsPassphraseKdf(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const [name, ...rest] = argv;
  if (!name || !REPOSITORY_COMMANDS.includes(name) || rest.includes('--help')) return false;
  return (
    Boolean(env.MVONO_BACKUP_PASSWORD) ||
    rest.some((a) => a === '--password-file' || a.startsWith('--password-file='))
  );
}

/** The value of `--name v` or `--name=v` in argv (as parseArgs reads it). */
function option(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export function startEarly(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  if (!needsPassphraseKdf(argv, env)) return;
  prestartScryptChild();
  try {
    derivePassphraseSlots(argv, env);
  } catch {
    // no repository there yet, unreadable slots: the command meets and reports it
  }
}

/**
 * Starts the KDF of each passphrase slot of a local repository; returns the derivations started.
 * Synchronous reads with node:fs only: the CLI's modules are still loading, and anything awaited
 * here would wait behind them. It reads the slot objects as repo/keyslots.ts does (the highest
 * generation of each slot); should it ever read them differently, the unlock derives again.
 */
export function derivePassphraseSlots(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Buffer>[] {
  const spec = option(argv, 'repo') ?? env.MVONO_BACKUP_REPO;
  if (!spec || /^(s3|gs):\/\//.test(spec)) return [];
  // As cli/context.ts reads them.
  const file = option(argv, 'password-file');
  const pass = file ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : env.MVONO_BACKUP_PASSWORD;
  if (!pass) return [];
  const path = spec.startsWith('local:') ? spec.slice('local:'.length) : spec;
  const keys = join(isAbsolute(path) ? path : resolve(path), 'keys');
  const latest = new Map<string, { generation: number; params: Record<string, unknown> }>();
  for (const name of readdirSync(keys)) {
    const m = /^([0-9a-f]+)(?:\.g(\d+))?$/.exec(name);
    if (!m) continue;
    const rec = JSON.parse(readFileSync(join(keys, name), 'utf8')) as {
      type?: string;
      params?: Record<string, unknown>;
    };
    const generation = Number(m[2] ?? 0);
    if (rec.type !== 'passphrase' || !rec.params) continue;
    if ((latest.get(m[1]!)?.generation ?? -1) < generation)
      latest.set(m[1]!, { generation, params: rec.params });
  }
  return [...latest.values()]
    .slice(0, 2)
    .map(({ params: p }) =>
      deriveScrypt(
        pass,
        Buffer.from(String(p.salt), 'base64'),
        { N: Number(p.N), r: Number(p.r), p: Number(p.p) },
        true,
      ),
    );
}
