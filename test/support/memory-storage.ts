/**
 * TEST DOUBLE: an in-memory Storage adapter. Stands in for a real backend in unit tests of the
 * repository and engine; it passes the same shared suite (test/storage/suite.ts) as the real
 * adapters, so code tested against it sees the port's contract. Not for production use.
 */
import { StorageError } from '../../src/main/storage/errors.js';
import {
  assertValidName,
  type CallOptions,
  type GetOptions,
  type ObjectInfo,
  type Storage,
} from '../../src/main/storage/port.js';
import { assertValidPrefix, checkRange, sliceRange, throwIfCancelled } from '../../src/main/storage/util.js';

export class MemoryStorage implements Storage {
  readonly location: string;
  /** The objects, by name. Tests may read it to assert what was written. */
  readonly objects = new Map<string, Uint8Array>();
  /** Count of calls per method, for tests that assert how often the backend was hit. */
  readonly calls = { put: 0, get: 0, stat: 0, list: 0, delete: 0 };

  constructor(label = 'memory') {
    this.location = `memory:${label}`;
  }

  async put(name: string, data: Uint8Array, opts?: CallOptions): Promise<void> {
    assertValidName(name);
    throwIfCancelled(opts?.signal);
    this.calls.put++;
    if (this.objects.has(name)) {
      throw new StorageError('ALREADY_EXISTS', `${this.location}/${name} already exists.`);
    }
    this.objects.set(name, Uint8Array.from(data));
  }

  async get(name: string, opts?: GetOptions): Promise<Uint8Array> {
    assertValidName(name);
    const { offset, length } = checkRange(opts);
    throwIfCancelled(opts?.signal);
    this.calls.get++;
    const data = this.objects.get(name);
    if (!data) throw new StorageError('NOT_FOUND', `${this.location}/${name} does not exist.`);
    return Uint8Array.from(sliceRange(data, offset, length));
  }

  async stat(name: string, opts?: CallOptions): Promise<ObjectInfo> {
    assertValidName(name);
    throwIfCancelled(opts?.signal);
    this.calls.stat++;
    const data = this.objects.get(name);
    if (!data) throw new StorageError('NOT_FOUND', `${this.location}/${name} does not exist.`);
    return { name, size: data.length };
  }

  async *list(prefix: string, opts?: CallOptions): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    throwIfCancelled(opts?.signal);
    this.calls.list++;
    for (const [name, data] of [...this.objects]) {
      throwIfCancelled(opts?.signal);
      if (name.startsWith(prefix)) yield { name, size: data.length };
    }
  }

  async delete(name: string, opts?: CallOptions): Promise<void> {
    assertValidName(name);
    throwIfCancelled(opts?.signal);
    this.calls.delete++;
    this.objects.delete(name);
  }
}
