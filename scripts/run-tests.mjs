#!/usr/bin/env node
// The test command: runs every compiled test (unit, integration against real servers, e2e in
// Chromium) with node's test runner, inside a D-Bus session with a real keychain, with the
// services the tests need started first (scripts/services). Build first: `npm test` does.
//   node scripts/run-tests.mjs [--unit] [--e2e] [filter substrings...]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
  const child = spawn(join(root, 'scripts/with-keyring.sh'), [process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)));
} else {
  await main();
}

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

async function main() {
  const unitOnly = args.includes('--unit');
  const e2eOnly = args.includes('--e2e');
  const filters = args.filter((a) => !a.startsWith('--'));
  const dist = join(root, 'dist');
  let files = [...walk(join(dist, 'src')), ...walk(join(dist, 'test'))];
  if (!unitOnly) files.push(...walk(join(dist, 'e2e')));
  if (e2eOnly) files = walk(join(dist, 'e2e'));
  if (unitOnly) files = files.filter((f) => f.includes(`${join('dist', 'src')}`));
  if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
  if (files.length === 0) {
    console.error('run-tests: no compiled test files found; run `npm run build` first.');
    process.exit(1);
  }
  let services = { env: {}, stop: async () => {} };
  if (!unitOnly) {
    const mod = join(root, 'scripts/services/index.mjs');
    if (existsSync(mod)) services = await (await import(mod)).startServices();
  }
  const env = { ...process.env, ...services.env, MVONO_TEST: '1' };
  console.log(`run-tests: ${files.length} test files`);
  // The database-source tests drive the shared PostgreSQL/MariaDB servers hard (dumps, restores,
  // tmpfs, users): they run on their own first, one file at a time; everything else runs 2 at once.
  const alone = files.filter((f) => f.includes(`${join('dist', 'test', 'sources')}`));
  const rest = files.filter((f) => !alone.includes(f));
  let code = 0;
  for (const [group, concurrency] of [
    [alone, 1],
    [rest, 2],
  ]) {
    if (group.length === 0) continue;
    const child = spawn(
      process.execPath,
      [
        '--test',
        '--test-reporter=spec',
        `--test-concurrency=${concurrency}`,
        ...group.map((f) => relative(root, f)),
      ],
      { cwd: root, env, stdio: 'inherit' },
    );
    const c = await new Promise((resolve) => child.on('exit', (x, sig) => resolve(x ?? (sig ? 1 : 0))));
    if (c !== 0) code = c;
  }
  await services.stop();
  process.exit(code);
}
