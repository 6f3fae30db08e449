/**
 * The desktop entry point (launched by scripts/start.mjs with the Electron binary): builds the app
 * for MVONO_HOME (default: the platform data directory) and hands its Host to the Electron shell.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runElectron } from '../electron/main.js';
import { createLogger } from '../platform/logger.js';
import { createApp } from './compose.js';

/** The project root (this file is dist/src/main/app/electron-main.js once built). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const app = createApp({ log: createLogger({ level: 'warn' }) });
process.once('exit', () => void app.close());
await runElectron({
  host: app.host,
  rendererDir: join(ROOT, 'dist/renderer'),
  preloadPath: join(ROOT, 'dist/preload.cjs'),
});
