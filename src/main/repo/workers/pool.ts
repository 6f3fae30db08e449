/**
 * CryptoPool: a few worker threads that read, chunk, hash, compress, encrypt and verify blobs, so
 * the main thread only walks the tree and keeps the index and packs (both cores work).
 * - file jobs (`files`): the worker reads the files itself; only ids cross to the main thread, and
 *   sealed new chunks come back transferred (not copied). Jobs go to the least busy worker.
 * - single chunks (`hash`, then seal or drop) and `open`: round-robin; a chunk hashed by a worker
 *   is sealed or dropped by the same worker. Buffers are copied once in and transferred back.
 * Workers start as work needs them, up to `size`: one at once, another when every running worker
 * has a job (or an open, or a queue of chunks to hash, waits on every running one), or when a
 * worker following files still being written falls behind their writers (a job's `lag`) and a
 * core is free for another.
 * Starting one costs ~0.1-0.15 s of CPU on the benchmark VM; a database dump on a small machine
 * and a small backup then start only one.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../platform/errors.js';
import type { ChunkerParams } from '../chunker.js';
import type { FilesRequest, Request, Response, WorkerInit, WorkerKeys } from './protocol.js';
import type { WriteBlob, WriteOutcome } from './write-job.js';

export type PartMessage = Extract<Response, { op: 'part' }>;
export type SealedPartMessage = Extract<Response, { op: 'sealedPart' }>;

/** The main thread's side of a file job. */
export interface FileJobHandler {
  /** Which chunks of this part are new (1) and must be sealed; may wait (backpressure). */
  part(m: PartMessage): Promise<Uint8Array>;
  /** The sealed new chunks of a part, in part order; `m.data` is reused once this resolves. */
  sealed(m: SealedPartMessage): Promise<void>;
}

interface Job {
  worker: number;
  handler: FileJobHandler;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Pending {
  resolve: (r: Response) => void;
  reject: (e: unknown) => void;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * A followed job this far behind its writer (bytes written and not yet read) while its worker has
 * other jobs too starts another worker for the jobs that come next.
 */
const BEHIND = 32 * 1024 * 1024;
/** Chunks to hash out per running worker before another starts. */
const QUEUED_PER_WORKER = 4;

export class CryptoPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly jobs = new Map<number, Job>();
  private readonly activeJobs: number[] = [];
  private readonly max: number;
  private seq = 0;
  private next = 0;
  private closed = false;

  constructor(
    private readonly keys: WorkerKeys,
    private readonly chunking: { params: ChunkerParams; gear: Uint32Array },
    size = Number(process.env.MVONO_CRYPTO_WORKERS) || Math.max(1, Math.min(4, availableParallelism())),
    /** This machine's cores (see coreToSpare). */
    private readonly cores = availableParallelism(),
  ) {
    this.max = Math.max(1, size);
    this.start();
  }

  /** The most workers this pool runs. */
  get size(): number {
    return this.max;
  }

  /** The workers started so far. */
  get started(): number {
    return this.workers.length;
  }

  /** Starts every worker not yet running (work that will keep them all busy from the start). */
  startAll(): void {
    while (this.start() >= 0);
  }

  /** Starts one more worker (when the pool has fewer than its size); returns its index. */
  private start(): number {
    if (this.closed || this.workers.length >= this.max) return -1;
    const w = new Worker(WORKER_URL, {
      workerData: {
        enc: this.keys.enc,
        mac: this.keys.mac,
        chunker: this.chunking.params,
        gear: this.chunking.gear,
      } satisfies WorkerInit,
    });
    w.on('message', (r: Response) => {
      if (this.jobs.has(r.seq)) this.onJob(r);
      else if (r.op === 'part') {
        // A job that failed here while its worker read on: let the worker finish, sealing nothing.
        w.postMessage({ op: 'decide', seq: r.seq, part: r.part, seal: new Uint8Array(r.ids.length) });
      } else if (r.op === 'sealedPart') this.giveBack(w, r);
      else this.settle(r);
    });
    w.on('error', (e) => this.failAll(e));
    if (!this.busy()) w.unref();
    this.workers.push(w);
    this.activeJobs.push(0);
    return this.workers.length - 1;
  }

  /**
   * Whether a core is left for another worker beside the running ones and the two a followed dump
   * keeps busy (pg_dump and, when local, the server's backend). Without one, a worker following a
   * dump falls behind for want of CPU, and a second would only take CPU from the first: on the
   * 2-core benchmark VM the worker ran 35-75 MiB behind pg_dump, and starting another cost ~0.1 s.
   */
  private coreToSpare(): boolean {
    return this.cores > this.workers.length + 2;
  }

  /** The worker for a new job: an idle one, else a new one, else the least busy. */
  private forJob(): number {
    const least = this.leastBusy();
    if (this.activeJobs[least]! === 0) return least;
    const fresh = this.start();
    return fresh >= 0 ? fresh : least;
  }

  private busy(): boolean {
    return this.pending.size > 0 || this.jobs.size > 0;
  }

  private idleCheck(): void {
    if (!this.busy()) for (const w of this.workers) w.unref();
  }

  private settle(r: Response): void {
    const p = this.pending.get(r.seq);
    if (!p) return;
    this.pending.delete(r.seq);
    this.idleCheck();
    if (r.op === 'error') p.reject(new AppError(r.code as ErrorCode, r.message));
    else p.resolve(r);
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    for (const j of this.jobs.values()) j.reject(e);
    this.jobs.clear();
    this.activeJobs.fill(0);
  }

  private endJob(seq: number, job: Job): void {
    if (!this.jobs.delete(seq)) return;
    this.activeJobs[job.worker]!--;
    this.idleCheck();
  }

  /** Returns a sealed part's buffer to its worker, which lends out only a few at a time. */
  private giveBack(w: Worker, r: SealedPartMessage): void {
    const buf = r.data.buffer as ArrayBuffer;
    if (!this.closed) w.postMessage({ op: 'recycle', seq: 0, buf } satisfies Request, [buf]);
  }

  private onJob(r: Response): void {
    const job = this.jobs.get(r.seq)!;
    const w = this.workers[job.worker]!;
    try {
      switch (r.op) {
        case 'part':
          if (
            r.lag !== undefined &&
            r.lag >= BEHIND &&
            this.activeJobs[job.worker]! > 1 &&
            this.coreToSpare()
          )
            this.start();
          job.handler.part(r).then(
            (seal) => w.postMessage({ op: 'decide', seq: r.seq, part: r.part, seal } satisfies Request),
            (e) => {
              this.endJob(r.seq, job);
              job.reject(e);
            },
          );
          return;
        case 'sealedPart':
          job.handler.sealed(r).then(
            () => this.giveBack(w, r),
            (e) => {
              this.giveBack(w, r);
              this.endJob(r.seq, job);
              job.reject(e);
            },
          );
          return;
        case 'filesDone':
          this.endJob(r.seq, job);
          job.resolve();
          return;
        case 'error':
          this.endJob(r.seq, job);
          job.reject(new AppError(r.code as ErrorCode, r.message));
          return;
        default:
          throw new AppError('INTERNAL', `crypto worker sent ${r.op} for a file job`);
      }
    } catch (e) {
      this.endJob(r.seq, job);
      job.reject(e);
    }
  }

  /**
   * Reads, chunks and hashes `files` in the least busy worker; `handler` decides which chunks
   * are new and receives them sealed. Resolves when the worker has sent everything.
   * A job that failed may still have a worker reading its files; they are dropped when it ends.
   * With `follow`, the job's one file is still being written: the worker follows it until
   * `follow.complete` resolves (the writer finished), and stops early when `follow.signal` aborts
   * or the job fails here.
   */
  files(
    files: FilesRequest['files'],
    handler: FileJobHandler,
    follow?: { complete: Promise<void>; signal?: AbortSignal },
    /** Also count each file's newline bytes (FileEnd). */
    countLines = false,
  ): Promise<void> {
    if (this.closed) return Promise.reject(new AppError('CANCELLED', 'The crypto pool was closed.'));
    if (follow && files.length !== 1) throw new AppError('INTERNAL', 'A followed file job takes one file.');
    // A followed file arrives at its writer's pace: it shares a worker until that one falls behind.
    const worker = follow ? this.leastBusy() : this.forJob();
    const seq = ++this.seq;
    if (!this.busy()) for (const x of this.workers) x.ref();
    this.activeJobs[worker]!++;
    const p = new Promise<void>((resolve, reject) =>
      this.jobs.set(seq, { worker, handler, resolve, reject }),
    );
    const w = this.workers[worker]!;
    w.postMessage({
      op: 'files',
      seq,
      files,
      ...(follow ? { follow: true } : {}),
      ...(countLines ? { countLines } : {}),
    } satisfies Request);
    if (follow) {
      // A worker ignores the message for a job it has finished.
      const end = (how: 'complete' | 'cancel') => {
        if (!this.closed) w.postMessage({ op: 'follow', seq, end: how } satisfies Request);
      };
      const cancel = () => end('cancel');
      follow.signal?.addEventListener('abort', cancel, { once: true });
      if (follow.signal?.aborted) cancel();
      follow.complete.then(
        () => end('complete'),
        () => cancel(),
      );
      p.catch(cancel).finally(() => follow.signal?.removeEventListener('abort', cancel));
    }
    return p;
  }

  private leastBusy(): number {
    let worker = 0;
    for (let i = 1; i < this.workers.length; i++) {
      if (this.activeJobs[i]! < this.activeJobs[worker]!) worker = i;
    }
    return worker;
  }

  private send(w: Worker, req: Request, transfer: ArrayBuffer[] = []): Promise<Response> {
    if (this.closed) return Promise.reject(new AppError('CANCELLED', 'The crypto pool was closed.'));
    // Workers keep the process alive only while a request is outstanding.
    if (!this.busy()) for (const x of this.workers) x.ref();
    const p = new Promise<Response>((resolve, reject) => this.pending.set(req.seq, { resolve, reject }));
    w.postMessage(req, transfer);
    return p;
  }

  /** Round-robin; first another worker when `perWorker` requests are out for each running one. */
  private pick(perWorker: number): Worker {
    if (this.pending.size >= perWorker * this.workers.length) this.start();
    const w = this.workers[this.next % this.workers.length]!;
    this.next++;
    return w;
  }

  /** Hashes a chunk in a worker; returns its id and a handle to seal or drop it. */
  async hash(
    data: Uint8Array,
  ): Promise<{ id: string; seal: () => Promise<{ sealed: Buffer; rawLength: number }>; drop: () => void }> {
    const own = new Uint8Array(data.byteLength);
    own.set(data);
    // Chunks to hash come one by one (a file saved whole is a file job): only a queue of them is
    // worth another worker.
    const w = this.pick(QUEUED_PER_WORKER);
    const seq = ++this.seq;
    const r = await this.send(w, { op: 'hash', seq, data: own }, [own.buffer]);
    if (r.op !== 'hashed') throw new AppError('INTERNAL', 'crypto worker answered out of order');
    return {
      id: r.id,
      // the worker holds the chunk under the same seq until it is sealed or dropped
      seal: async () => {
        const res = await this.send(w, { op: 'seal', seq });
        if (res.op !== 'sealed') throw new AppError('INTERNAL', 'crypto worker answered out of order');
        return {
          sealed: Buffer.from(res.sealed.buffer, res.sealed.byteOffset, res.sealed.byteLength),
          rawLength: res.rawLength,
        };
      },
      drop: () => w.postMessage({ op: 'drop', seq } satisfies Request),
    };
  }

  /**
   * Restore: opens the blobs lying in `range` (a pack range) and writes each to its target files,
   * in the least busy worker (write-job.ts). The memory of `range` is transferred there (the caller
   * must not use it afterwards) and comes back as `buffer`, to be read into again: the whole
   * ArrayBuffer when `ownBuffer` says the caller owns all of it (`range` starts at its front), else
   * only when `range` spans it exactly; any other range is copied. A Buffer from Node's shared
   * pool can start at its front too, and transferring the pool throws (Node 21+, hence Electron).
   */
  async writeBlobs(
    range: Uint8Array,
    blobs: WriteBlob[],
    ownBuffer = false,
  ): Promise<{ outcomes: WriteOutcome[]; buffer: Uint8Array }> {
    const whole = range.byteOffset === 0 && (ownBuffer || range.byteLength === range.buffer.byteLength);
    const own = whole ? new Uint8Array(range.buffer) : range.slice();
    const seq = ++this.seq;
    const w = this.forJob();
    this.activeJobs[w]!++;
    try {
      const r = await this.send(
        this.workers[w]!,
        { op: 'write', seq, data: own, length: range.byteLength, blobs },
        [own.buffer as ArrayBuffer],
      );
      if (r.op !== 'written') throw new AppError('INTERNAL', 'crypto worker answered out of order');
      return { outcomes: r.outcomes, buffer: r.data };
    } finally {
      if (this.activeJobs[w]! > 0) this.activeJobs[w]!--; // failAll() may have reset it
    }
  }

  /** Decrypts, decompresses and verifies a blob in a worker. */
  async open(id: string, sealed: Uint8Array, rawLength?: number): Promise<Buffer> {
    const own = new Uint8Array(sealed.byteLength);
    own.set(sealed);
    const seq = ++this.seq;
    const r = await this.send(
      // Opening is the heavy half of a restore's reads (inflate + verify): concurrent readers (a
      // database restore's COPY lanes) each get a worker.
      this.pick(1),
      { op: 'open', seq, id, sealed: own, ...(rawLength === undefined ? {} : { rawLength }) },
      [own.buffer],
    );
    if (r.op !== 'opened') throw new AppError('INTERNAL', 'crypto worker answered out of order');
    return Buffer.from(r.plain.buffer, r.plain.byteOffset, r.plain.byteLength);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new AppError('CANCELLED', 'The crypto pool was closed.'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
