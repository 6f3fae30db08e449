/** `restore <snap> --db-target <uri> [--component C] [--tables a,b] [--replace --confirm <db>]` */
import { restoreDatabase } from '../../engine/restore/database.js';
import { AppError } from '../../platform/errors.js';
import { createRestoreDatabase, dropRestoreDatabase } from '../../sources/postgres/restore.js';
import type { Values } from '../command.js';
import { str } from '../command.js';
import { type Ctx, emit, openRepo } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { databaseFromUri } from './db-uri.js';

export async function restoreDatabaseCli(ctx: Ctx, ref: string, v: Values): Promise<number> {
  const target = await databaseFromUri(str(v, 'db-target')!);
  const replace = v.replace === true;
  if (replace && str(v, 'confirm') === undefined) {
    throw new AppError(
      'CONFLICT',
      `Database "${target.profile.database}" would be replaced, and that needs a typed confirmation.`,
      {
        hint: `Repeat the database name: --replace --confirm ${target.profile.database}. A safety snapshot of it is taken first.`,
      },
    );
  }
  const tables = str(v, 'tables')
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const auth = target.password !== undefined ? { password: target.password } : {};
  // A whole PostgreSQL database into a new database: it is created while the repository opens and
  // the dump is staged (CREATE DATABASE takes ~0.1 s); dropped again if the restore fails before
  // taking it over.
  const making =
    target.profile.kind === 'postgres' && !replace && !tables?.length
      ? createRestoreDatabase(target.profile, auth)
      : undefined;
  making?.catch(() => {}); // awaited below
  let res: Awaited<ReturnType<typeof restoreDatabase>>;
  let snapId: string;
  try {
    const repo = await openRepo(ctx);
    const snap = await repo.findSnapshot(ref, ctx.signal);
    snapId = snap.id;
    res = await restoreDatabase(repo, snap, {
      target: target.profile,
      ...auth,
      ...(str(v, 'component') ? { component: str(v, 'component') } : {}),
      mode: replace ? 'replace' : 'new',
      ...(str(v, 'confirm') !== undefined ? { confirm: str(v, 'confirm') } : {}),
      ...(tables?.length ? { tables } : {}),
      ...(making ? { precreated: making } : {}),
      signal: ctx.signal,
      progress: ctx.progress,
    });
  } catch (e) {
    const made = await making?.catch(() => undefined);
    if (made) await dropRestoreDatabase(target.profile, made, auth).catch(() => {});
    throw e;
  }
  ctx.progress.clear();
  emit(ctx, res, () => {
    const lines = [
      `Restored ${res.component} from ${snapId.slice(0, 8)} into database "${res.database}" (${res.tablesRestored} tables).`,
      res.safetySnapshot ? `Safety snapshot of the previous contents: ${res.safetySnapshot.slice(0, 8)}` : '',
      `Validation: ${res.validation.ok ? 'ALL MATCH' : 'MISMATCHES FOUND'}${res.validation.schemaMatch === null ? '' : `, schema ${res.validation.schemaMatch ? 'matches' : 'DIFFERS'}`}`,
      ...res.validation.tables.map(
        (t) =>
          `  ${t.status.padEnd(8)} ${t.name} (${t.actualRows ?? '-'} / ${t.expectedRows} rows${t.sampleMismatches ? `, ${t.sampleMismatches} sample mismatches` : ''})`,
      ),
      ...res.warnings.map((w) => `warning: ${w}`),
    ];
    return lines.filter(Boolean).join('\n');
  });
  return res.validation.ok ? EXIT.ok : EXIT.integrity;
}
