/**
 * What every command shares: global options, the repository location and how to unlock it.
 *   --repo / MVONO_BACKUP_REPO             where the repository is (path, s3://…, gs://…)
 *   --password-file / MVONO_BACKUP_PASSWORD            a passphrase slot
 *   --recovery-key-file / MVONO_BACKUP_RECOVERY_KEY    the printed recovery key
 *   the OS keychain slot is always tried last (unless --no-keychain)
 * The repository, storage and key-slot modules are imported when a repository is opened, not with
 * the CLI (~0.1 s here): a database backup starts pg_dump before it opens the repository.
 */
import type { KekProvider } from '../crypto/slots/port.js';
import { systemClock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import type { Repository } from '../repo/repository.js';
import type { Storage } from '../storage/port.js';
import type { CliProgress } from './output.js';
import { isCloudSpec, localRepoPath, readSecretFile } from './repo-spec.js';

export const GLOBAL_OPTIONS = {
  repo: { type: 'string', short: 'r' },
  'password-file': { type: 'string' },
  'recovery-key-file': { type: 'string' },
  'no-keychain': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface GlobalValues {
  repo?: string;
  'password-file'?: string;
  'recovery-key-file'?: string;
  'no-keychain'?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export interface Ctx {
  values: GlobalValues;
  signal: AbortSignal;
  out: (text: string) => void;
  progress: CliProgress;
  env: NodeJS.ProcessEnv;
}

export function repoSpec(ctx: Ctx): string {
  const spec = ctx.values.repo ?? ctx.env.MVONO_BACKUP_REPO;
  if (!spec) {
    throw new AppError('INVALID_INPUT', 'No repository given.', {
      hint: 'Pass --repo <path|s3://bucket/prefix|gs://bucket/prefix> or set MVONO_BACKUP_REPO.',
    });
  }
  return spec;
}

export async function storageFor(spec: string, warn: (m: string) => void): Promise<Storage> {
  if (isCloudSpec(spec)) {
    const [{ openStorage }, { OsKeychain }] = await Promise.all([
      import('../storage/open.js'),
      import('../platform/keychain.js'),
    ]);
    return openStorage(spec, { keychain: new OsKeychain(), warn });
  }
  const { LocalStorage } = await import('../storage/local.js');
  return new LocalStorage(localRepoPath(spec));
}

export function passphrase(ctx: Ctx): string | undefined {
  const file = ctx.values['password-file'];
  if (file) return readSecretFile(file, 'password');
  return ctx.env.MVONO_BACKUP_PASSWORD || undefined;
}

export async function unlockProviders(ctx: Ctx): Promise<KekProvider[]> {
  const [
    { PassphraseKekProvider },
    { RecoveryKekProvider },
    { KeychainKekProvider },
    { OsKeychain },
    { kmsSettings, LazyKmsProvider },
  ] = await Promise.all([
    import('../crypto/slots/passphrase.js'),
    import('../crypto/slots/recovery.js'),
    import('../crypto/slots/keychain.js'),
    import('../platform/keychain.js'),
    import('./kms.js'),
  ]);
  const out: KekProvider[] = [];
  const pass = passphrase(ctx);
  if (pass !== undefined) out.push(new PassphraseKekProvider(pass));
  const rfile = ctx.values['recovery-key-file'];
  const rk = rfile ? readSecretFile(rfile, 'recovery key') : ctx.env.MVONO_BACKUP_RECOVERY_KEY;
  if (rk) out.push(new RecoveryKekProvider(rk));
  if (!ctx.values['no-keychain']) out.push(new KeychainKekProvider(new OsKeychain()));
  out.push(new LazyKmsProvider(kmsSettings({}, ctx.env)));
  return out;
}

export async function openRepo(
  ctx: Ctx,
  opts: { loadIndex?: boolean; onUnlocking?: () => void; startWorkers?: boolean | 'all' } = {},
): Promise<Repository> {
  const spec = repoSpec(ctx);
  const loading = import('../repo/repository.js');
  loading.catch(() => {}); // awaited below
  const storage = await storageFor(spec, (m) => ctx.progress.log('warn', m));
  const unlock = await unlockProviders(ctx);
  const { Repository } = await loading;
  return Repository.open(storage, {
    unlock,
    clock: systemClock,
    signal: ctx.signal,
    ...opts,
  });
}

export function emit(ctx: Ctx, json: unknown, human: () => string): void {
  if (ctx.values.json) ctx.out(JSON.stringify(json));
  else if (!ctx.values.quiet) ctx.out(human());
}
