/**
 * Which PostgreSQL client program to run.
 *
 * On Debian and Ubuntu, /usr/bin/pg_dump (pg_restore, pg_dumpall, psql) is postgresql-common's
 * pg_wrapper, a Perl script that picks a version and then execs
 * /usr/lib/postgresql/<version>/bin/<program>. Starting Perl and reading the cluster configuration
 * costs 30-170 ms per call, and a backup or restore makes four to eight calls, most of them on
 * the critical path. We always set PGHOST (connect.ts pgEnv), and with an explicit host pg_wrapper
 * ignores PGCLUSTER and the user's cluster map and runs the newest installed version that has the
 * program. So when the program found on PATH is pg_wrapper, we run that same binary directly.
 * Anything else on PATH (a distribution without the wrapper, a PostgreSQL built from source, a
 * container image) is run as it is, and `binDir` names a directory explicitly.
 */
import { accessSync, constants, readdirSync, realpathSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';

export type PgProgram = 'pg_dump' | 'pg_restore' | 'pg_dumpall' | 'psql';

export interface PgToolsOptions {
  /** Directory holding pg_dump, pg_restore, pg_dumpall, psql; default: found on PATH. */
  binDir?: string;
}

/** Where pg_wrapper's versions live (PgCommon's binroot). */
const DEBIAN_BINROOT = '/usr/lib/postgresql';

const resolved = new Map<PgProgram, string>();

export function pgTool(name: PgProgram, tools?: PgToolsOptions): string {
  if (tools?.binDir) return join(tools.binDir, name);
  let path = resolved.get(name);
  if (path === undefined) {
    path = resolvePgProgram(name, process.env.PATH ?? '', DEBIAN_BINROOT);
    resolved.set(name, path);
  }
  return path;
}

/**
 * `name` as the shell would find it on `searchPath`, except that Debian's pg_wrapper is replaced by
 * the binary it would run: the newest `<binroot>/<version>/bin/<name>`. Returns `name` unchanged
 * when it is not on the path (the caller's error names the missing program) or is not the wrapper.
 */
export function resolvePgProgram(name: PgProgram, searchPath: string, binroot: string): string {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    let real: string;
    try {
      const candidate = join(dir, name);
      accessSync(candidate, constants.X_OK);
      real = realpathSync(candidate);
    } catch {
      continue;
    }
    if (basename(real) !== 'pg_wrapper') return name;
    return newestVersioned(name, binroot) ?? name;
  }
  return name;
}

function newestVersioned(name: PgProgram, binroot: string): string | undefined {
  let versions: string[];
  try {
    versions = readdirSync(binroot).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return undefined;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const path = join(binroot, v, 'bin', name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}
