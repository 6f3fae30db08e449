/**
 * node-postgres, loaded without its Cloudflare probe. When pg (8.x) loads, it asks whether it runs
 * in a Cloudflare Worker: through `navigator.userAgent` where `navigator` exists (Node 21+, Electron),
 * otherwise by constructing a `Response`, which on Node 20 loads Node's whole fetch implementation
 * (undici): ~30 ms of the main thread, on the way to the first connection of every database backup
 * and restore. On a runtime without `navigator`, one that says this is Node is present while pg loads
 * and removed right after, so pg takes its Node.js path as it would anyway, and nothing else sees it.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

function loadPg(): typeof pg {
  const require = createRequire(import.meta.url);
  const g = globalThis as { navigator?: unknown };
  if (g.navigator !== undefined) return require('pg') as typeof pg;
  g.navigator = { userAgent: `Node.js/${process.versions.node}` };
  try {
    return require('pg') as typeof pg;
  } finally {
    delete g.navigator;
  }
}

const pgModule: typeof pg = loadPg();
export default pgModule;
