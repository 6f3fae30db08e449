/**
 * The event bus for the contract's event map (job.progress, job.state, job.log,
 * dashboard.invalidate). The job manager emits; transports (IPC, SSE) subscribe with onAny.
 * A throwing listener never breaks the emitter or other listeners.
 */
import type { EventName, EventPayload } from '../../shared/contract/events.js';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;
export type AnyListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class EventBus {
  private readonly listeners = new Map<EventName, Set<(p: unknown) => void>>();
  private readonly anyListeners = new Set<AnyListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) safe(() => l(payload));
    for (const l of this.anyListeners) safe(() => l(event, payload));
  }

  on<E extends EventName>(event: E, cb: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const fn = cb as (p: unknown) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  onAny(cb: AnyListener): () => void {
    this.anyListeners.add(cb);
    return () => this.anyListeners.delete(cb);
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // a listener's failure is its own problem
  }
}
