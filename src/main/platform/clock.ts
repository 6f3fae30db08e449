/**
 * Time enters the program only through a Clock, so schedules, retention and lock staleness are
 * testable with a fake one. Nothing outside this file calls Date.now() or new Date() without args.
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` of this clock's time (fake clocks resolve when advanced). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that moves only when told to. Sleepers wake in order of their due time. */
export class FakeClock implements Clock {
  private t: number;
  private sleepers: { due: number; resolve: () => void }[] = [];
  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ due: this.t + Math.max(0, ms), resolve });
      this.sleepers.sort((a, b) => a.due - b.due);
    });
  }
  set(to: Date | string): void {
    this.t = new Date(to).getTime();
    this.wake();
  }
  advance(ms: number): void {
    this.t += ms;
    this.wake();
  }
  private wake(): void {
    while (this.sleepers.length > 0 && this.sleepers[0]!.due <= this.t) this.sleepers.shift()!.resolve();
  }
}
