/** Where the CLI's app commands find MVONO_HOME (--home, MVONO_HOME, platform default) and the build. */
import { fileURLToPath } from 'node:url';
import { defaultHome } from '../../app/paths.js';
import { str, type Values } from '../command.js';
import type { Ctx } from '../context.js';

/** The project root (this file is dist/src/main/cli/commands/app-paths.js once built). */
export const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const RENDERER_DIR = fileURLToPath(new URL('../../../../renderer/', import.meta.url));

export const HOME_OPTION = { home: { type: 'string' } } as const;

export function homeOf(ctx: Ctx, v: Values): string {
  return str(v, 'home') ?? defaultHome(ctx.env);
}

/** Resolves when the command's signal fires (Ctrl-C, SIGTERM). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
