/**
 * `mvono-backup` — the command-line interface. Each command lives in commands/; this file parses
 * global options, wires Ctrl-C to an AbortSignal, and turns errors into a message + exit code.
 */
import { parseArgs } from 'node:util';
import { AppError, isAppError, toAppError } from '../platform/errors.js';
import type { Command } from './command.js';
import { type Ctx, GLOBAL_OPTIONS } from './context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { CliProgress } from './output.js';

/**
 * The engine's commands by name, in the order `--help` lists them. Only the module of the command
 * that runs is loaded (all of them for the command list): each pulls in its part of the engine,
 * and a database backup wants pg_dump started before the repository's modules load.
 */
const BUILTIN = new Map<string, () => Promise<Command>>([
  ['init', async () => (await import('./commands/repo.js')).init],
  ['backup', async () => (await import('./commands/backup.js')).backupCmd],
  ['snapshots', async () => (await import('./commands/repo.js')).snapshots],
  ['ls', async () => (await import('./commands/repo.js')).ls],
  ['restore', async () => (await import('./commands/backup.js')).restoreCmd],
  ['diff', async () => (await import('./commands/repo.js')).diffCmd],
  ['check', async () => (await import('./commands/maintenance.js')).checkCmd],
  ['forget', async () => (await import('./commands/maintenance.js')).forgetCmd],
  ['prune', async () => (await import('./commands/maintenance.js')).pruneCmd],
  ['copy', async () => (await import('./commands/copy.js')).copyCmd],
  ['key', async () => (await import('./commands/key.js')).keyCmd],
  ['stats', async () => (await import('./commands/repo.js')).statsCmd],
  ['unlock', async () => (await import('./commands/maintenance.js')).unlockCmd],
]);
/** Commands of other layers (extra.ts) and registered ones. */
const commands: Command[] = [];

export function registerCommand(c: Command): void {
  commands.push(c);
}

/** The command named `name`, loading its module; undefined when there is none. */
async function findCommand(name: string): Promise<Command | undefined> {
  const load = BUILTIN.get(name);
  return load ? load() : commands.find((c) => c.name === name);
}

async function usage(): Promise<string> {
  const all = [...(await Promise.all([...BUILTIN.values()].map((load) => load()))), ...commands];
  return listing(all);
}

function listing(commands: Command[]): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: mvono-backup <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Global options: --repo R (or MVONO_BACKUP_REPO), --password-file F (or MVONO_BACKUP_PASSWORD),',
    '  --recovery-key-file F (or MVONO_BACKUP_RECOVERY_KEY), --no-keychain, --json, --quiet',
    'Run `mvono-backup <command> --help` for a command’s options. Exit codes: see README.',
  ].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version') {
    process.stdout.write('mvono-backup 0.1.0\n');
    return EXIT.ok;
  }
  // The console-side commands (serve, agent, audit, ...) pull in the host layer (~70 ms): loaded
  // only for them and for the command list, not for the engine's own commands.
  if (!name || !(BUILTIN.has(name) || commands.some((c) => c.name === name))) await loadExtraCommands();
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  const cmd = await findCommand(name);
  if (!cmd) {
    process.stderr.write(`mvono-backup: unknown command "${name}"\n\n${await usage()}\n`);
    return EXIT.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...cmd.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(
      `mvono-backup ${cmd.name}: ${(e as Error).message}\nUsage: mvono-backup ${cmd.usage}\n`,
    );
    return EXIT.usage;
  }
  if (parsed.values.help) {
    process.stdout.write(`Usage: mvono-backup ${cmd.usage}\n\n${cmd.summary}\n`);
    return EXIT.ok;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.cancelled);
    process.stderr.write(
      '\nCancelling (press Ctrl-C again to quit at once; nothing half-written becomes visible)…\n',
    );
    controller.abort(new AppError('CANCELLED', 'Cancelled by the operator.'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const values = parsed.values as Ctx['values'];
  const progress = new CliProgress(Boolean(process.stderr.isTTY) && !values.quiet && !values.json);
  const ctx: Ctx = {
    values,
    signal: controller.signal,
    out: (t) => process.stdout.write(`${t}\n`),
    progress,
    env,
  };
  try {
    return await cmd.run(ctx, parsed.positionals, parsed.values);
  } catch (e) {
    progress.clear();
    const err = controller.signal.aborted
      ? new AppError('CANCELLED', 'Cancelled; nothing half-written was made visible.')
      : e instanceof TypeError && !isAppError(e) && /^--/.test(e.message)
        ? new AppError('INVALID_INPUT', e.message)
        : toAppError(e);
    if (err.code === 'INTERNAL' && env.MVONO_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
    process.stderr.write(`mvono-backup ${cmd.name}: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
    return exitCodeFor(err.code);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** Commands that live in other layers (serve, agent, storage check, copy, audit…), loaded lazily. */
async function loadExtraCommands(): Promise<void> {
  const { extraCommands } = await import('./extra.js');
  for (const c of await extraCommands())
    if (!BUILTIN.has(c.name) && !commands.some((x) => x.name === c.name)) commands.push(c);
}
