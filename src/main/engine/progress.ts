/**
 * Progress enters long work through this one small interface (no-op by default); the CLI's
 * progress bar, the job manager and the console implement it. Wiring happens in the command.
 */
export interface ProgressSnapshot {
  phase: string;
  /** Bytes processed so far and the expected total (undefined while unknown). */
  bytesDone: number;
  bytesTotal?: number;
  filesDone: number;
  filesTotal?: number;
  /** The item being worked on (a path, a table), if any. */
  current?: string;
  /** Bytes per second, smoothed. */
  rate: number;
  /** Seconds left, when the total is known. */
  etaSeconds?: number;
}

export interface ProgressReporter {
  update(p: ProgressSnapshot): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export const noProgress: ProgressReporter = { update: () => {}, log: () => {} };

/** Accumulates counters and emits throttled snapshots with rate and ETA. */
export class ProgressMeter {
  private bytesDone = 0;
  private filesDone = 0;
  private bytesTotal: number | undefined;
  private filesTotal: number | undefined;
  private current: string | undefined;
  private lastEmit = 0;
  private rate = 0;
  private lastBytes = 0;
  private lastRateAt: number;
  constructor(
    private readonly reporter: ProgressReporter,
    private phase: string,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = 200,
  ) {
    this.lastRateAt = now();
  }
  setPhase(phase: string): void {
    this.phase = phase;
    this.emit(true);
  }
  setTotals(bytes?: number, files?: number): void {
    this.bytesTotal = bytes;
    this.filesTotal = files;
  }
  addBytes(n: number, current?: string): void {
    this.bytesDone += n;
    if (current !== undefined) this.current = current;
    this.emit(false);
  }
  addFile(current?: string): void {
    this.filesDone += 1;
    if (current !== undefined) this.current = current;
    this.emit(false);
  }
  done(): void {
    this.emit(true);
  }
  get totals(): { bytes: number; files: number } {
    return { bytes: this.bytesDone, files: this.filesDone };
  }
  private emit(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastEmit < this.intervalMs) return;
    const dt = (t - this.lastRateAt) / 1000;
    if (dt > 0.05) {
      const inst = (this.bytesDone - this.lastBytes) / dt;
      this.rate = this.rate === 0 ? inst : this.rate * 0.7 + inst * 0.3;
      this.lastBytes = this.bytesDone;
      this.lastRateAt = t;
    }
    this.lastEmit = t;
    const snap: ProgressSnapshot = {
      phase: this.phase,
      bytesDone: this.bytesDone,
      filesDone: this.filesDone,
      rate: this.rate,
    };
    if (this.bytesTotal !== undefined) snap.bytesTotal = this.bytesTotal;
    if (this.filesTotal !== undefined) snap.filesTotal = this.filesTotal;
    if (this.current !== undefined) snap.current = this.current;
    if (this.bytesTotal !== undefined && this.rate > 0) {
      snap.etaSeconds = Math.max(0, (this.bytesTotal - this.bytesDone) / this.rate);
    }
    this.reporter.update(snap);
  }
}
