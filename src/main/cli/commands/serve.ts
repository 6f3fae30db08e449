/**
 * `serve`: the console over HTTP on loopback for headless servers (reach it through an SSH tunnel).
 * Prints exactly one line on stdout — `Mvono Backup Console: http://127.0.0.1:PORT/#token=TOKEN` —
 * and runs until SIGINT/SIGTERM, then closes the server and the app cleanly.
 */
import { existsSync } from 'node:fs';
import type { createApp as CreateApp } from '../../app/compose.js';
import { createLogger, type LogLevel } from '../../platform/logger.js';
import { type Command, num, str } from '../command.js';
import { HOME_OPTION, homeOf, RENDERER_DIR, untilAborted } from './app-paths.js';

export const serveCmd: Command = {
  name: 'serve',
  summary: 'run the console in a browser over HTTP on 127.0.0.1 (headless servers: use an SSH tunnel)',
  usage: 'serve [--host 127.0.0.1] [--port N|0] [--home DIR]',
  options: { host: { type: 'string' }, port: { type: 'string' }, ...HOME_OPTION },
  async run(ctx, _args, v) {
    // heavy modules load only when this command runs (keeps every other command's start fast)
    const { createApp }: { createApp: typeof CreateApp } = await import('../../app/compose.js');
    const { startServe } = await import('../../serve/server.js');
    const level = (ctx.env.MVONO_LOG_LEVEL as LogLevel | undefined) ?? 'warn';
    const app = createApp({ home: homeOf(ctx, v), env: ctx.env, log: createLogger({ level }) });
    try {
      if (!existsSync(RENDERER_DIR)) {
        process.stderr.write(
          `Note: the console's web files are not built (${RENDERER_DIR}); run \`npm run build\`.\n`,
        );
      }
      const handle = await startServe({
        host: app.host,
        bindHost: str(v, 'host') ?? '127.0.0.1',
        port: num(v, 'port') ?? 0,
        staticDir: RENDERER_DIR,
      });
      process.stdout.write(`Mvono Backup Console: ${handle.url}\n`);
      process.stderr.write(
        'Open the address above in a browser on this machine (or through an SSH tunnel). The token in it only ' +
          'reaches the sign-in screen: signing in still needs a username, password and authenticator code.\n' +
          `Data directory: ${app.paths.home}. Press Ctrl-C to stop.\n`,
      );
      await untilAborted(ctx.signal);
      process.stderr.write('Stopping the console…\n');
      await handle.close();
    } finally {
      await app.close();
    }
    return 0;
  },
};
