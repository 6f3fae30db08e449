#!/usr/bin/env node
// Entry point of the `mvono-backup` command (package.json "bin"). Runs the compiled CLI.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mvono-backup: not built yet. Run `npm run build` (or `npm run setup`) first.\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
