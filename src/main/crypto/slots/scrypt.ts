/**
 * scrypt for passphrase key slots, in a short-lived child process on Linux.
 *
 * Why: scrypt with N=2^17, r=8 touches 128 MiB once. With 4 KiB pages that is 32,768 page
 * faults, and on a virtual machine each one is expensive: on the CI machine scrypt took 0.83 s
 * in-process and 0.34 s with glibc's malloc on transparent huge pages (64 faults of 2 MiB). glibc
 * reads that setting (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) only when a process starts, so a
 * child started with it derives the key: `scrypt-child.cts` reads the passphrase and parameters
 * from stdin (never argv or the environment) and writes the key to stdout. The child runs with an
 * empty environment apart from that setting (and ELECTRON_RUN_AS_NODE, so the Electron binary
 * behaves as Node).
 *
 * Elsewhere (not Linux), or when the child cannot be started or fails, the key is derived
 * in-process: the result is the same, only slower.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { scrypt } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

const CHILD = new URL('./scrypt-child.cjs', import.meta.url);
const KEY_LEN = 32;

/** scrypt's memory limit for these parameters (128 * N * r bytes, doubled, plus slack). */
export const maxmem = (c: ScryptCost): number => 256 * c.N * c.r + 1024 * 1024;

export function scryptInProcess(pass: string, salt: Buffer, c: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pass.normalize('NFC'), salt, KEY_LEN, { ...c, maxmem: maxmem(c) }, (e, k) =>
      e ? reject(e) : resolve(k),
    ),
  );
}

/** A started child, waiting for its input. */
interface ScryptChild {
  /** Sends the input; the key, or undefined when the child failed (then derive in-process). */
  derive(pass: string, salt: Buffer, c: ScryptCost): Promise<Buffer | undefined>;
}

function startChild(execPath: string): ScryptChild | undefined {
  let child: ChildProcess;
  try {
    child = spawn(execPath, [fileURLToPath(CHILD)], {
      env: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1', ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
  // Until it is given work, the child must not keep this process alive: unused, it reads an
  // empty input when this process exits and ends.
  const pipes = [child.stdin, child.stdout] as unknown as { ref(): void; unref(): void }[];
  child.unref();
  for (const p of pipes) p.unref();
  const out: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stdin!.on('error', () => {}); // a child that died early is reported by 'close'
  const result = new Promise<Buffer | undefined>((resolve) => {
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      const hex = Buffer.concat(out).toString('ascii').trim();
      resolve(code === 0 && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined);
    });
  });
  return {
    derive(pass, salt, c) {
      child.ref();
      for (const p of pipes) p.ref();
      const input = {
        pass: Buffer.from(pass.normalize('NFC')).toString('base64'),
        salt: salt.toString('base64'),
        ...c,
      };
      child.stdin!.end(JSON.stringify(input));
      return result;
    },
  };
}

let spare: ScryptChild | undefined;

/**
 * Starts a child ahead of need (Linux): the CLI calls this before loading its modules when it will
 * unlock a passphrase slot, so the child's own start-up (~0.1 s) overlaps the CLI's.
 */
export function prestartScryptChild(): void {
  if (process.platform === 'linux' && !spare) spare = startChild(process.execPath);
}

/** The child's answer, or undefined when it could not run (the caller then derives in-process). */
export function scryptInChild(
  pass: string,
  salt: Buffer,
  c: ScryptCost,
  execPath = process.execPath,
): Promise<Buffer | undefined> {
  let child = execPath === process.execPath ? spare : undefined;
  if (child) spare = undefined;
  child ??= startChild(execPath);
  return child ? child.derive(pass, salt, c) : Promise.resolve(undefined);
}

/**
 * Derivations started ahead of need: the CLI starts them before its modules have loaded
 * (cli/early.ts), and the unlock that follows with the same input takes one (it is then
 * forgotten, so no passphrase or key is kept longer than that). At most four are kept.
 */
const ahead: { pass: string; salt: Buffer; c: ScryptCost; key: Promise<Buffer> }[] = [];

/**
 * The 32-byte key: in a huge-page child on Linux, else (or if that fails) in this process.
 * `startAhead`: keep the derivation for the call that will ask for the same input.
 */
export function deriveScrypt(pass: string, salt: Buffer, c: ScryptCost, startAhead = false): Promise<Buffer> {
  const i = ahead.findIndex(
    (s) => s.pass === pass && s.salt.equals(salt) && s.c.N === c.N && s.c.r === c.r && s.c.p === c.p,
  );
  if (i >= 0) {
    const same = ahead[i]!;
    if (!startAhead) ahead.splice(i, 1); // taken: forgotten
    return same.key;
  }
  const key = (async () => {
    if (process.platform === 'linux') {
      const k = await scryptInChild(pass, salt, c);
      if (k) return k;
    }
    return scryptInProcess(pass, salt, c);
  })();
  key.catch(() => {}); // the caller observes it
  if (startAhead) {
    ahead.push({ pass, salt: Buffer.from(salt), c: { ...c }, key });
    if (ahead.length > 4) ahead.shift();
  }
  return key;
}
