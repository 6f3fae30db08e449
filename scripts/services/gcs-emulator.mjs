#!/usr/bin/env node
// The Cloud Storage emulator from firebase-tools (pinned in package.json: these are internals),
// run in-process without Java: rules runtime and manager are replaced by no-ops, so only
// admin-style requests (which @google-cloud/storage sends to an emulator) are served.
// Storage is in memory (blobs under $TMPDIR/firebase/storage) and lost when the process ends.
//   node scripts/services/gcs-emulator.mjs [port]   -> prints "GCS_EMULATOR_PORT=<port>", runs until SIGTERM
// Point clients at it with STORAGE_EMULATOR_HOST=http://127.0.0.1:<port>.
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** A free TCP port on 127.0.0.1: `preferred` if it is free, else one the OS picks. */
export async function freePort(preferred) {
  const tryListen = (port) =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => {
        const got = srv.address().port;
        srv.close(() => resolve(got));
      });
    });
  return (preferred && (await tryListen(preferred))) || (await tryListen(0));
}

/** Starts the emulator in this process; returns { port, stop }. */
export async function startGcsEmulator({ port, projectId = 'demo-test', quiet = true } = {}) {
  const { StorageEmulator } = require('firebase-tools/lib/emulator/storage');
  const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry');
  if (quiet) {
    const { EmulatorLogger } = require('firebase-tools/lib/emulator/emulatorLogger');
    EmulatorLogger.prototype.log = () => {};
    EmulatorLogger.prototype.logLabeled = () => {};
  }
  const chosen = port ?? (await freePort(9199));
  const emu = new StorageEmulator({
    projectId,
    host: '127.0.0.1',
    port: chosen,
    rules: [],
    auto_download: false,
  });
  const noop = { start: async () => {}, stop: async () => {}, getRuleset: () => undefined };
  emu._rulesRuntime = noop;
  emu._rulesManager = noop;
  emu.createRulesManager = () => noop;
  await EmulatorRegistry.start(emu);
  return { port: chosen, stop: () => EmulatorRegistry.stop(emu.getName()) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2] ? Number(process.argv[2]) : undefined;
  const { port, stop } = await startGcsEmulator({ port: arg });
  process.stdout.write(`GCS_EMULATOR_PORT=${port}\n`);
  const bye = async () => {
    await stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}
