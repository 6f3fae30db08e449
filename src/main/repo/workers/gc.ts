/**
 * Sealing leaves buffers behind (chunks joined across reads, compressor and cipher output) that V8
 * counts as external memory. Some live long enough to reach the old generation, and V8 collects
 * those only after ~64 MiB more external memory has piled up per thread: with two workers, over
 * 100 MiB of resident garbage. A full collection every COLLECT_EVERY bytes sealed costs a few
 * milliseconds (a worker's heap is a few MiB) and keeps the process near its live size.
 * `gc` is exposed to this worker's own context only; where that is not possible this is a no-op.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

const COLLECT_EVERY = (Number(process.env.MVONO_GC_MIB) || 24) * 1024 * 1024;

let gc: Gc | undefined;
try {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as Gc;
} catch {
  gc = undefined;
}

let sinceLast = 0;

/** Counts `bytes` of work done; collects garbage when enough has passed. */
export function collectAfter(bytes: number): void {
  sinceLast += bytes;
  if (sinceLast < COLLECT_EVERY || !gc) return;
  sinceLast = 0;
  gc();
}
