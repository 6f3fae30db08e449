#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine — dependencies, Debian packages (as root),
// build, lint + layer rules, then every test (unit, integration against real servers, e2e).
import { spawnSync } from 'node:child_process';
import { ensureBuilt, ensureInstalled, ROOT } from './bootstrap.mjs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
ensureInstalled();
run('bash', ['scripts/system-deps.sh']);
ensureBuilt({ force: true });
run('npm', ['run', '--silent', 'lint']);
run(process.execPath, ['scripts/run-tests.mjs', ...process.argv.slice(2)]);
