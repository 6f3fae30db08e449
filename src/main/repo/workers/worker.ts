/**
 * A crypto worker: HMAC ids, compression + AES-256-GCM sealing, opening/verifying blobs, and
 * restore's file writes (write-job.ts), off the main thread. A hashed chunk stays here until the
 * main thread says `seal` (new to the repository) or `drop` (already stored), so a chunk crosses
 * the thread boundary once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { blobId } from '../../crypto/keys.js';
import { isAppError } from '../../platform/errors.js';
import { openBlobSync, sealBlobSync } from '../blob.js';
import { collectAfter, WORKER_GC } from '../gc.js';
import { FileJobs } from './file-job.js';
import type { Request, Response, WorkerInit } from './protocol.js';
import { writeBlobs } from './write-job.js';

const k = workerData as WorkerInit;
const keys = { enc: Buffer.from(k.enc), mac: Buffer.from(k.mac) };
const held = new Map<number, { id: string; data: Uint8Array }>();
const port = parentPort!;

function reply(r: Response, transfer: ArrayBuffer[] = []): void {
  port.postMessage(r, transfer);
}

const jobs = new FileJobs(keys, k.chunker, k.gear, reply);

function fail(seq: number, e: unknown): void {
  reply({
    op: 'error',
    seq,
    code: isAppError(e) ? e.code : 'INTERNAL',
    message: e instanceof Error ? e.message : String(e),
  });
}

function transferable(b: Uint8Array): ArrayBuffer[] {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? [b.buffer as ArrayBuffer] : [];
}

port.on('message', (m: Request) => {
  try {
    switch (m.op) {
      case 'hash': {
        const id = blobId(keys.mac, m.data);
        held.set(m.seq, { id, data: m.data });
        return reply({ op: 'hashed', seq: m.seq, id });
      }
      case 'drop':
        held.delete(m.seq);
        return;
      case 'seal': {
        const h = held.get(m.seq);
        held.delete(m.seq);
        if (!h) throw new Error(`no held chunk ${m.seq}`);
        const b = sealBlobSync(keys, h.data, h.id);
        const sealed = new Uint8Array(b.sealed.buffer, b.sealed.byteOffset, b.sealed.byteLength);
        return reply({ op: 'sealed', seq: m.seq, sealed, rawLength: b.rawLength }, transferable(sealed));
      }
      case 'files':
        jobs.run(m).catch((e) => fail(m.seq, e));
        return;
      case 'recycle':
        jobs.recycle(m.buf);
        return;
      case 'decide':
        jobs.decide(m.seq, m.part, m.seal);
        return;
      case 'follow':
        jobs.follow(m.seq, m.end);
        return;
      case 'write':
        reply(
          {
            op: 'written',
            seq: m.seq,
            outcomes: writeBlobs(keys, m.data.subarray(0, m.length), m.blobs),
            data: m.data,
          },
          transferable(m.data),
        );
        return collectAfter(m.length, WORKER_GC);
      case 'open': {
        const plain = openBlobSync(keys, m.id, m.sealed, m.rawLength);
        const out = new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
        reply({ op: 'opened', seq: m.seq, plain: out }, transferable(out));
        return collectAfter(m.sealed.length, WORKER_GC);
      }
    }
  } catch (e) {
    fail(m.seq, e);
  }
});
