export interface RepeatingTaskOptions {
  /** One run; `again()` inside it asks for another run right after this one. */
  run(): Promise<void>;
  /** How long to wait after a run before the next, read after each run. */
  delayMs(): number;
}

/**
 * A task that runs again and again, one run at a time: `now()` runs it at once, or, while a run is under
 * way, once more right after it (so a reason to run is never lost, and runs never overlap). After the
 * last run the next one is scheduled `delayMs()` later, until `stop()`.
 */
export class RepeatingTask {
  private running: Promise<void> | undefined;
  private runAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: RepeatingTaskOptions) {}

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  now(): Promise<void> {
    if (this.running) {
      this.runAgain = true;
      return this.running;
    }
    this.running = (async () => {
      clearTimeout(this.timer);
      do {
        this.runAgain = false;
        await this.options.run();
      } while (this.runAgain && !this.stopped);
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.now(), this.options.delayMs()).unref();
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Called from within a run: run once more right after it. */
  again(): void {
    this.runAgain = true;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
