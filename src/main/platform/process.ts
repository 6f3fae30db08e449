/**
 * A small child-process runner for external tools (pg_dump, mariadb-dump, ...).
 * - spawns with an argument array, never through a shell;
 * - the environment is the parent's plus `env` (secrets such as PGPASSWORD travel only here);
 * - an AbortSignal sends SIGTERM, then SIGKILL after `killGraceMs`; the call rejects with CANCELLED;
 * - stderr is captured line by line (optional `onStderrLine`) and its tail kept for error reports;
 * - the exit code is checked against `okCodes` (default [0]); a failure is a ProcessError carrying the
 *   tool's name, exit code and stderr tail, which the caller turns into an AppError with context.
 * - `batch`: on Linux the tool is moved into the kernel's batch scheduling class (see below).
 * Nothing here logs the environment, so secrets passed through it stay out of messages.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cancelled } from './errors.js';

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  /** Where stdout goes: collected into `stdout` ('capture', the default), discarded, or a stream. */
  stdout?: 'capture' | 'ignore' | Writable;
  /** Fed to the child's stdin, then stdin is closed. Without it stdin is /dev/null. */
  stdin?: Readable | string;
  onStderrLine?: (line: string) => void;
  /** Exit codes counted as success. */
  okCodes?: number[];
  /** Time between SIGTERM and SIGKILL on abort. */
  killGraceMs?: number;
  /** Lines of stderr kept for error reports. */
  tailLines?: number;
  /** Max bytes of stdout kept in 'capture' mode (the rest is dropped, `stdoutTruncated` set). */
  maxCaptureBytes?: number;
  /**
   * Linux: run the tool in the SCHED_BATCH scheduling class, for bulk tools fed by a server on the
   * same host (a dump tool reading a table's COPY stream). Its wakeups then do not preempt the
   * server process sending it the data, which otherwise happens for every few KiB received when
   * the other CPUs are busy (storing the dump). The class is set right after the spawn
   * (`chrt --batch -p 0 <pid>`, util-linux; before pg_dump forks its workers, which inherit it);
   * without chrt, or where the kernel refuses, the tool runs as it would have.
   */
  batch?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stdoutTruncated: boolean;
  stderrTail: string;
}

/** A tool exited badly or could not start. `stderrTail` is the tool's own text (no env values). */
export class ProcessError extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly signalName: NodeJS.Signals | null,
    readonly stderrTail: string,
    readonly notFound = false,
    cause?: unknown,
  ) {
    super(
      notFound
        ? `${tool} could not be started (not found or not executable)`
        : `${tool} failed (${exitCode === null ? `signal ${signalName}` : `exit code ${exitCode}`})` +
            (stderrTail ? `: ${stderrTail.split('\n').slice(-3).join(' | ')}` : ''),
      cause === undefined ? undefined : { cause },
    );
    this.name = 'ProcessError';
  }
}

export async function runProcess(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const tool = basename(command);
  if (opts.signal?.aborted) throw cancelled();
  const tailMax = opts.tailLines ?? 40;
  const maxCapture = opts.maxCaptureBytes ?? 64 * 1024 * 1024;
  const stdoutMode = opts.stdout ?? 'capture';
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      shell: false,
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      // Own process group, so cancelling also stops the tool's workers (pg_dump -j forks them).
      detached: true,
      stdio: [
        opts.stdin === undefined ? 'ignore' : 'pipe',
        stdoutMode === 'ignore' ? 'ignore' : 'pipe',
        'pipe',
      ],
    });
  } catch (e) {
    throw new ProcessError(tool, null, null, '', true, e);
  }
  if (opts.batch && process.platform === 'linux' && child.pid !== undefined) batchPolicy(child.pid);

  const tail: string[] = [];
  let partial = '';
  const pushLine = (line: string) => {
    tail.push(line);
    if (tail.length > tailMax) tail.shift();
    opts.onStderrLine?.(line);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) pushLine(l.replace(/\r$/, ''));
  });

  const out: Buffer[] = [];
  let outBytes = 0;
  let truncated = false;
  const streams: Promise<void>[] = [];
  if (child.stdout) {
    if (stdoutMode === 'capture') {
      child.stdout.on('data', (b: Buffer) => {
        if (outBytes + b.length > maxCapture) truncated = true;
        else {
          out.push(b);
          outBytes += b.length;
        }
      });
    } else if (typeof stdoutMode !== 'string') {
      streams.push(pipeline(child.stdout, stdoutMode));
    }
  }
  if (child.stdin && opts.stdin !== undefined) {
    const stdin = child.stdin;
    stdin.on('error', () => {}); // EPIPE when the child exits early; its exit code tells the story
    if (typeof opts.stdin === 'string') stdin.end(opts.stdin);
    else streams.push(pipeline(opts.stdin, stdin).catch(() => {}));
  }

  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      child.kill(sig);
    }
  };
  const onAbort = () => {
    aborted = true;
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 5000);
    killTimer.unref();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'EACCES')
          reject(new ProcessError(tool, null, null, '', true, e));
        else reject(e);
      });
      child.once('close', (c, s) => resolve([c, s]));
    });
    const streamResults = await Promise.allSettled(streams);
    if (partial) pushLine(partial);
    if (aborted) throw cancelled();
    const stderrTail = tail.join('\n');
    // A failed output stream (e.g. ENOSPC writing the dump) is the root cause of the child's exit.
    const failed = streamResults.find((r) => r.status === 'rejected');
    if (failed && failed.status === 'rejected') throw failed.reason;
    if (code === null || !(opts.okCodes ?? [0]).includes(code)) {
      throw new ProcessError(tool, code, sig, stderrTail);
    }
    return { code, stdout: Buffer.concat(out).toString('utf8'), stdoutTruncated: truncated, stderrTail };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
  }
}

/** Moves a process into SCHED_BATCH (allowed without privileges: same weight, no wakeup preemption). */
function batchPolicy(pid: number): void {
  try {
    const chrt = spawn('chrt', ['--batch', '-p', '0', String(pid)], { stdio: 'ignore' });
    chrt.on('error', () => {}); // no chrt: the tool keeps the normal class
    chrt.unref();
  } catch {
    // as above
  }
}
