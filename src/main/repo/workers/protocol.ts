/** Messages between the crypto pool (pool.ts) and its workers (worker.ts). */
export type Request =
  | { op: 'hash'; seq: number; data: Uint8Array }
  | { op: 'seal'; seq: number }
  | { op: 'drop'; seq: number }
  | { op: 'open'; seq: number; id: string; sealed: Uint8Array; rawLength?: number };

export type Response =
  | { op: 'hashed'; seq: number; id: string }
  | { op: 'sealed'; seq: number; sealed: Uint8Array; rawLength: number }
  | { op: 'opened'; seq: number; plain: Uint8Array }
  | { op: 'error'; seq: number; code: string; message: string };

export interface WorkerKeys {
  enc: Uint8Array;
  mac: Uint8Array;
}
