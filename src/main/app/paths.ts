/**
 * Where the console keeps its state (MVONO_HOME): the catalog, the embedded local repository, the
 * schema-history git directory, a temp directory for dumps and restores, and logs.
 * Default: the platform's data directory; Electron passes app.getPath('userData').
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface AppPaths {
  home: string;
  catalog: string;
  repository: string;
  schemaHistory: string;
  tmp: string;
  logs: string;
}

export const APP_DIR_NAME = 'mvono-backup';

/** MVONO_HOME, else the platform data directory (XDG on Linux). */
export function defaultHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.MVONO_HOME) return resolve(env.MVONO_HOME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), APP_DIR_NAME);
}

export function appPaths(home: string): AppPaths {
  const h = resolve(home);
  return {
    home: h,
    catalog: join(h, 'catalog.db'),
    repository: join(h, 'repository'),
    schemaHistory: join(h, 'schema-history'),
    tmp: join(h, 'tmp'),
    logs: join(h, 'logs'),
  };
}

/** Creates the home and its directories (owner-only). The repository directory is made on init. */
export function ensureAppDirs(p: AppPaths): void {
  for (const d of [p.home, p.tmp, p.logs]) mkdirSync(d, { recursive: true, mode: 0o700 });
}
