/**
 * RetryingStorage: wraps any Storage and retries calls that failed TRANSIENT (throttling, 5xx,
 * connection resets, timeouts) with exponential backoff and jitter. Every other code is final:
 * NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, CONFIG, INTEGRITY, NO_SPACE, CANCELLED.
 *
 * A put whose earlier attempt failed TRANSIENT may have landed anyway (the response was lost).
 * When a retry then answers ALREADY_EXISTS, the stored bytes are read back and compared: equal
 * means our own write landed (success); different means someone else's object (ALREADY_EXISTS).
 *
 * list restarts from the beginning after a transient failure and skips names already yielded,
 * so each object still appears exactly once.
 */
import { type Clock, systemClock } from '../platform/clock.js';
import type { AppError } from '../platform/errors.js';
import { isAlreadyExists, isTransient, StorageError } from './errors.js';
import type { CallOptions, GetOptions, ObjectInfo, Storage } from './port.js';
import { abortable, bytesEqual, throwIfCancelled } from './util.js';

export interface RetryEvent {
  operation: 'put' | 'get' | 'stat' | 'list' | 'delete';
  /** Object name or list prefix (never data or credentials). */
  name: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  code: string;
  message: string;
}

export interface RetryOptions {
  /** Total attempts including the first (default 6). */
  maxAttempts?: number;
  /** First backoff (default 250 ms); doubles each attempt up to maxDelayMs (default 20 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Sleeps go through this clock (tests pass a FakeClock). */
  clock?: Clock;
  /** Jitter source in [0,1) (default Math.random). */
  random?: () => number;
  /** Called before each backoff sleep. */
  onRetry?: (e: RetryEvent) => void;
}

export class RetryingStorage implements Storage {
  readonly location: string;
  readonly putConcurrency?: number;
  readonly openWriter?: Storage['openWriter'];
  readonly removeStaleWrites?: Storage['removeStaleWrites'];
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly onRetry: ((e: RetryEvent) => void) | undefined;

  constructor(
    readonly inner: Storage,
    opts: RetryOptions = {},
  ) {
    this.location = inner.location;
    if (inner.putConcurrency !== undefined) this.putConcurrency = inner.putConcurrency;
    // Streamed writes are not retried (a local disk's errors are not transient): passed through.
    if (inner.openWriter) this.openWriter = inner.openWriter.bind(inner);
    if (inner.removeStaleWrites) this.removeStaleWrites = inner.removeStaleWrites.bind(inner);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 20_000;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.onRetry = opts.onRetry;
  }

  /** Backoff before attempt `attempt + 1`: half fixed, half random ("equal jitter"). */
  delayFor(attempt: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  /** Decides whether to retry after `e` failed `attempt`; sleeps (abortably) if so. */
  private async backoff(
    e: unknown,
    attempt: number,
    operation: RetryEvent['operation'],
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!isTransient(e)) throw e;
    const err = e as AppError;
    if (attempt >= this.maxAttempts) {
      throw new StorageError('TRANSIENT', `${err.message} (gave up after ${attempt} attempts)`, {
        hint: err.hint ?? 'The storage service kept failing; check its status and the network, then retry.',
        cause: e,
      });
    }
    throwIfCancelled(signal);
    const delayMs = this.delayFor(attempt);
    this.onRetry?.({
      operation,
      name,
      attempt,
      maxAttempts: this.maxAttempts,
      delayMs,
      code: err.code,
      message: err.message,
    });
    await abortable(signal, this.clock.sleep(delayMs, signal));
  }

  private async run<T>(
    operation: RetryEvent['operation'],
    name: string,
    signal: AbortSignal | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        await this.backoff(e, attempt, operation, name, signal);
      }
    }
  }

  async put(name: string, data: Uint8Array, opts?: CallOptions): Promise<void> {
    let hadTransient = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.inner.put(name, data, opts);
        return;
      } catch (e) {
        if (hadTransient && isAlreadyExists(e)) {
          // Our earlier attempt may have landed. Same bytes: done. Different: a real conflict.
          const stored = await this.get(name, { signal: opts?.signal });
          if (bytesEqual(stored, data)) return;
          throw e;
        }
        if (isTransient(e)) hadTransient = true;
        await this.backoff(e, attempt, 'put', name, opts?.signal);
      }
    }
  }

  get(name: string, opts?: GetOptions): Promise<Uint8Array> {
    return this.run('get', name, opts?.signal, () => this.inner.get(name, opts));
  }

  stat(name: string, opts?: CallOptions): Promise<ObjectInfo> {
    return this.run('stat', name, opts?.signal, () => this.inner.stat(name, opts));
  }

  delete(name: string, opts?: CallOptions): Promise<void> {
    return this.run('delete', name, opts?.signal, () => this.inner.delete(name, opts));
  }

  async *list(prefix: string, opts?: CallOptions): AsyncIterable<ObjectInfo> {
    const seen = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      try {
        for await (const o of this.inner.list(prefix, opts)) {
          if (seen.has(o.name)) continue;
          seen.add(o.name);
          yield o;
        }
        return;
      } catch (e) {
        // An error thrown by our consumer is not ours to retry; only the inner listing's are.
        await this.backoff(e, attempt, 'list', prefix, opts?.signal);
      }
    }
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
