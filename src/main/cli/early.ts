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
import { join } from 'node:path';
import { deriveScrypt, prestartScryptChild } from '../crypto/slots/scrypt.js';
import { type KeySlotRecord, newestSlots } from '../repo/keyslots.js';
import { NAME_SEGMENT } from '../storage/port.js';
import { isCloudSpec, localRepoPath, readSecretFile } from './repo-spec.js';

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
 * here would wait behind them. The location, the password file and the slots are read as the
 * command will read them (repo-spec.ts, keyslots.ts newestSlots); should it ever differ, the
 * unlock derives again.
 */
export function derivePassphraseSlots(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Buffer>[] {
  const spec = option(argv, 'repo') ?? env.MVONO_BACKUP_REPO;
  if (!spec || isCloudSpec(spec)) return [];
  const file = option(argv, 'password-file');
  const pass = file ? readSecretFile(file, 'password') : env.MVONO_BACKUP_PASSWORD;
  if (!pass) return [];
  const keys = join(localRepoPath(spec), 'keys');
  const records = readdirSync(keys)
    .filter((name) => NAME_SEGMENT.test(name)) // as LocalStorage lists objects
    .map((name) => JSON.parse(readFileSync(join(keys, name), 'utf8')) as KeySlotRecord);
  return newestSlots(records)
    .filter((s) => s.type === 'passphrase')
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
