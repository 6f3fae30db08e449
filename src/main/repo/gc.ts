/**
 * Timely garbage collection for the threads that move bulk data. Sealing leaves buffers behind
 * (chunks joined across reads, cipher output) that V8 counts as external memory;
 * it collects them only after ~64 MiB more has piled up in each thread, and the small JS heap of
 * a worker rarely triggers a young-generation collection on its own. Measured on the benchmark
 * dataset (1.3 GB, first backup): peak RSS ~380 MiB without, ~260-280 MiB with, for ~10% more CPU.
 * Workers: a young-generation collection after each part (the objects are young and few) and a
 * full one every 64 MiB; the main thread: a full one every 128 MiB of packs stored.
 * `gc` is exposed through a fresh context only (the flag is process-wide, nothing else sees it);
 * where that is not possible these calls do nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (opts?: { type?: 'minor' | 'major' }) => void;

const MiB = 1024 * 1024;

let gc: Gc | undefined;
try {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as Gc;
} catch {
  gc = undefined;
}

let sinceFull = 0;

/**
 * Counts `bytes` of work done in this thread; a full collection once `fullEvery` bytes have
 * passed, and otherwise a young-generation one when `young` is set.
 */
export function collectAfter(bytes: number, opts: { young: boolean; fullEvery: number }): void {
  if (!gc) return;
  sinceFull += bytes;
  if (sinceFull >= opts.fullEvery) {
    sinceFull = 0;
    gc();
  } else if (opts.young) {
    gc({ type: 'minor' });
  }
}

export const WORKER_GC = { young: true, fullEvery: 64 * MiB };
export const MAIN_GC = { young: false, fullEvery: 128 * MiB };
