/**
 * Resolves `finished` with the time (performance.now()) at which `tick` reached the target, so that a
 * rate is measured at the last event and not at whoever awaits it; rejects when the deadline passes first.
 */
export class Countdown {
  count = 0;
  readonly finished: Promise<number>;
  private resolve!: (at: number) => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly target: number,
    { timeoutMs, what }: { timeoutMs: number; what: string },
  ) {
    let reject!: (error: Error) => void;
    this.finished = new Promise((resolve, rejectWith) => {
      this.resolve = resolve;
      reject = rejectWith;
    });
    this.timer = setTimeout(
      () => reject(new Error(`${what}: ${this.count} of ${target} after ${timeoutMs} ms`)),
      timeoutMs,
    );
  }

  tick(n = 1): void {
    this.count += n;
    if (this.count >= this.target) {
      clearTimeout(this.timer);
      this.resolve(performance.now());
    }
  }
}
