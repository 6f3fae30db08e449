/**
 * TEST DOUBLE: a Storage decorator that injects failures into chosen calls of a real adapter,
 * to test retry and error handling against real servers without breaking them. Rules pick calls
 * by method, name/prefix predicate, and count; the faults mimic what adapters report for real
 * network trouble (TRANSIENT with a cause), a lost response after the call landed, slowness,
 * timeouts, or any custom (e.g. permanent) error. Not for production use.
 */
import { StorageError } from '../../src/main/storage/errors.js';
import type { CallOptions, GetOptions, ObjectInfo, Storage } from '../../src/main/storage/port.js';
import { abortable } from '../../src/main/storage/util.js';

export type Method = 'put' | 'get' | 'stat' | 'list' | 'delete';

export type Fault =
  /** Fails before the call with TRANSIENT, like an HTTP 503 SlowDown. */
  | { kind: 'transient' }
  /** Fails before the call with TRANSIENT caused by ECONNRESET. */
  | { kind: 'reset' }
  /** Performs the call, then fails TRANSIENT: the request landed, the response was lost. */
  | { kind: 'lost-response' }
  /** Waits `ms` (abortably), then performs the call: a slow server. */
  | { kind: 'delay'; ms: number }
  /** Waits `ms` (abortably), then fails TRANSIENT like a client-side request timeout. */
  | { kind: 'timeout'; ms: number }
  /** Throws whatever `make` returns (a permanent StorageError, a bug-like Error...). */
  | { kind: 'error'; make: () => Error };

export interface FaultRule {
  methods?: Method[];
  /** Matches the object name (or the list prefix). */
  name?: (name: string) => boolean;
  /** Let this many matching calls through first (default 0). */
  skip?: number;
  /** Affect this many matching calls, then stop (default: all). */
  times?: number;
  fault: Fault;
}

interface ActiveRule extends FaultRule {
  seen: number;
  fired: number;
}

export class FaultyStorage implements Storage {
  readonly location: string;
  private readonly rules: ActiveRule[] = [];
  /** Every call as "method name", and each injected fault as "fault:<kind> method name". */
  readonly log: string[] = [];

  constructor(
    readonly inner: Storage,
    rules: FaultRule[] = [],
  ) {
    this.location = inner.location;
    for (const r of rules) this.add(r);
  }

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, seen: 0, fired: 0 });
    return this;
  }

  /** How many faults were injected so far. */
  get injected(): number {
    return this.rules.reduce((n, r) => n + r.fired, 0);
  }

  private pick(method: Method, name: string): Fault | undefined {
    this.log.push(`${method} ${name}`);
    for (const r of this.rules) {
      if (r.methods && !r.methods.includes(method)) continue;
      if (r.name && !r.name(name)) continue;
      r.seen++;
      if (r.seen <= (r.skip ?? 0)) continue;
      if (r.fired >= (r.times ?? Number.POSITIVE_INFINITY)) continue;
      r.fired++;
      this.log.push(`fault:${r.fault.kind} ${method} ${name}`);
      return r.fault;
    }
    return undefined;
  }

  private apply<T>(method: Method, name: string, signal: AbortSignal | undefined, call: () => Promise<T>) {
    return this.inject(this.pick(method, name), method, name, signal, call);
  }

  private async inject<T>(
    fault: Fault | undefined,
    method: Method,
    name: string,
    signal: AbortSignal | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    const where = `${this.location} ${method} ${name}`;
    switch (fault?.kind) {
      case undefined:
        return call();
      case 'transient':
        throw new StorageError('TRANSIENT', `injected 503 SlowDown: ${where}`);
      case 'reset':
        throw new StorageError('TRANSIENT', `injected connection reset: ${where}`, {
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      case 'lost-response':
        await call();
        throw new StorageError('TRANSIENT', `injected lost response after the call landed: ${where}`);
      case 'delay':
        await abortable(signal, new Promise((r) => setTimeout(r, fault.ms)));
        return call();
      case 'timeout':
        await abortable(signal, new Promise((r) => setTimeout(r, fault.ms)));
        throw new StorageError('TRANSIENT', `injected request timeout after ${fault.ms} ms: ${where}`);
      case 'error':
        throw fault.make();
    }
  }

  put(name: string, data: Uint8Array, opts?: CallOptions): Promise<void> {
    return this.apply('put', name, opts?.signal, () => this.inner.put(name, data, opts));
  }
  get(name: string, opts?: GetOptions): Promise<Uint8Array> {
    return this.apply('get', name, opts?.signal, () => this.inner.get(name, opts));
  }
  stat(name: string, opts?: CallOptions): Promise<ObjectInfo> {
    return this.apply('stat', name, opts?.signal, () => this.inner.stat(name, opts));
  }
  delete(name: string, opts?: CallOptions): Promise<void> {
    return this.apply('delete', name, opts?.signal, () => this.inner.delete(name, opts));
  }
  async *list(prefix: string, opts?: CallOptions): AsyncIterable<ObjectInfo> {
    const fault = this.pick('list', prefix);
    if (fault === undefined) {
      yield* this.inner.list(prefix, opts);
      return;
    }
    // For list, 'lost-response' means: fail after yielding the first object (a broken page stream).
    if (fault.kind === 'lost-response') {
      for await (const o of this.inner.list(prefix, opts)) {
        yield o;
        throw new StorageError('TRANSIENT', `injected broken listing: ${this.location} list ${prefix}`);
      }
      return;
    }
    await this.inject(fault, 'list', prefix, opts?.signal, async () => {});
    yield* this.inner.list(prefix, opts);
  }
  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
