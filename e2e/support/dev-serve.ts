/**
 * DEVELOPMENT STAND-IN for `mvono-backup serve` (labelled: not the product's entry point).
 * Starts the real Host (real SQLite catalog under MVONO_HOME, real OS keychain) behind the real
 * serve transport, WITHOUT engine ports: calls that need an engine answer CONFIG "… has no …
 * service configured", which the console shows as "not available yet". Prints the same line as
 * `mvono-backup serve`. Used only when MVONO_E2E_SERVER=dev (see console.ts); final e2e runs go
 * through bin/mvono-backup.js.
 *   scripts/with-keyring.sh node dist/e2e/support/dev-serve.js [--port N]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openCatalog } from '../../src/main/catalog/db.js';
import { createHost } from '../../src/main/host/host.js';
import { OsKeychain } from '../../src/main/platform/keychain.js';
import { startServe } from '../../src/main/serve/server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const home = process.env.MVONO_HOME ?? mkdtempSync(join(tmpdir(), 'mvono-dev-'));
mkdirSync(home, { recursive: true });
const db = openCatalog(join(home, 'catalog.db'));
const host = createHost({
  db,
  keychain: new OsKeychain(`mvono-backup-dev-${randomBytes(4).toString('hex')}`),
});
const staticDir = fileURLToPath(new URL('../../renderer', import.meta.url));
const handle = await startServe({ host, port: Number(values.port), staticDir });
process.stdout.write(`Mvono Backup Console (development stand-in): ${handle.url}\n`);

const stop = async () => {
  await handle.close();
  db.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
