/**
 * What the `mvono-backup` entry point starts before the CLI's modules load (that takes ~0.1 s):
 * for a command that opens a repository with a passphrase, the scrypt child that will derive its
 * key (crypto/slots/scrypt.ts), so the child's own start-up overlaps the CLI's. Only node: modules
 * are loaded on this path.
 */
import { prestartScryptChild } from '../crypto/slots/scrypt.js';

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

export function startEarly(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  if (needsPassphraseKdf(argv, env)) prestartScryptChild();
}
