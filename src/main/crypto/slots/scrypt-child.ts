/**
 * The scrypt child process (see scrypt.ts): reads {pass, salt (base64), N, r, p} as JSON from
 * stdin, writes the 32-byte key as hex to stdout, exits 0; anything wrong exits 1 without output.
 */
import { scryptSync } from 'node:crypto';
import { maxmem } from './scrypt.js';

const parts: Buffer[] = [];
process.stdin.on('data', (b: Buffer) => parts.push(b));
process.stdin.on('end', () => {
  try {
    const m = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
    const c = { N: Number(m.N), r: Number(m.r), p: Number(m.p) };
    const pass = Buffer.from(String(m.pass), 'base64');
    const key = scryptSync(pass, Buffer.from(String(m.salt), 'base64'), 32, { ...c, maxmem: maxmem(c) });
    process.stdout.write(`${key.toString('hex')}\n`);
  } catch {
    process.exitCode = 1;
  }
});
