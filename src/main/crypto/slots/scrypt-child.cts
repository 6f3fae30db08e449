/**
 * The scrypt child process (see scrypt.ts): reads {pass, salt (base64), N, r, p} as JSON from
 * stdin, writes the 32-byte key as hex to stdout, exits 0; anything wrong exits 1 without output.
 * CommonJS, node:crypto and node:fs only, and stdin read with one synchronous read to its end
 * (process.stdin would load the stream and socket modules first): this process starts fast.
 */
const { readFileSync } = require('node:fs') as typeof import('node:fs');
const { scryptSync } = require('node:crypto') as typeof import('node:crypto');

try {
  const m = JSON.parse(readFileSync(0, 'utf8')) as Record<string, unknown>;
  const c = { N: Number(m.N), r: Number(m.r), p: Number(m.p) };
  // As scrypt.ts maxmem().
  const maxmem = 256 * c.N * c.r + 1024 * 1024;
  const key = scryptSync(Buffer.from(String(m.pass), 'base64'), Buffer.from(String(m.salt), 'base64'), 32, {
    ...c,
    maxmem,
  });
  process.stdout.write(`${key.toString('hex')}\n`);
} catch {
  process.exitCode = 1;
}
