#!/usr/bin/env node
// Entry point of the `mvono-backup` command (package.json "bin"). Runs the compiled CLI.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mvono-backup: not built yet. Run `npm run build` (or `npm run setup`) first.\n');
  process.exit(2);
}
// Started before the CLI's modules load: see src/main/cli/early.ts.
const { startEarly } = await import(new URL('../dist/src/main/cli/early.js', import.meta.url).href);
startEarly(process.argv.slice(2), process.env);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
