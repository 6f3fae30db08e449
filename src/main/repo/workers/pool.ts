/**
 * CryptoPool: a few worker threads that hash, compress, encrypt and verify blobs, so the main
 * thread only reads, chunks and keeps the index (both cores work). Requests go round-robin; a
 * chunk that was hashed by a worker is sealed or dropped by the same worker.
 * Buffers are copied once into a worker and transferred (not copied) back.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../platform/errors.js';
import type { Request, Response, WorkerKeys } from './protocol.js';

interface Pending {
  resolve: (r: Response) => void;
  reject: (e: unknown) => void;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class CryptoPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private next = 0;
  private closed = false;

  constructor(
    keys: WorkerKeys,
    size = Number(process.env.MVONO_CRYPTO_WORKERS) || Math.max(1, Math.min(4, availableParallelism())),
  ) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(WORKER_URL, { workerData: { enc: keys.enc, mac: keys.mac } });
      w.on('message', (r: Response) => this.settle(r));
      w.on('error', (e) => this.failAll(e));
      w.unref();
      return w;
    });
  }

  private settle(r: Response): void {
    const p = this.pending.get(r.seq);
    if (!p) return;
    this.pending.delete(r.seq);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if (r.op === 'error') p.reject(new AppError(r.code as ErrorCode, r.message));
    else p.resolve(r);
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private send(w: Worker, req: Request, transfer: ArrayBuffer[] = []): Promise<Response> {
    if (this.closed) return Promise.reject(new AppError('CANCELLED', 'The crypto pool was closed.'));
    // Workers keep the process alive only while a request is outstanding.
    if (this.pending.size === 0) for (const x of this.workers) x.ref();
    const p = new Promise<Response>((resolve, reject) => this.pending.set(req.seq, { resolve, reject }));
    w.postMessage(req, transfer);
    return p;
  }

  private pick(): Worker {
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
    const w = this.pick();
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

  /** Decrypts, decompresses and verifies a blob in a worker. */
  async open(id: string, sealed: Uint8Array, rawLength?: number): Promise<Buffer> {
    const own = new Uint8Array(sealed.byteLength);
    own.set(sealed);
    const seq = ++this.seq;
    const r = await this.send(
      this.pick(),
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
