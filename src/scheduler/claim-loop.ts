import type { DelayQueue } from '../queue/delay-queue.js';
import type { ClaimedItem } from '../queue/types.js';
import { backoffDelay } from './backoff.js';
import { deadItemsError } from './dead-report.js';
import { dispatchBatch, type DispatchContext } from './dispatch-batch.js';
import type { WakeListener } from './wake-listener.js';

export interface ClaimLoopOptions {
  queue: DelayQueue;
  wake: WakeListener;
  batchSize: number;
  maxInFlight: number;
  reapIntervalMs: number;
  dispatch: Omit<DispatchContext, 'queue' | 'signal' | 'serverNow'>;
}

/**
 * The scheduler's loop: reap expired leases, claim a batch (the claim applies it to the snapshot),
 * hand it to a publish that runs while the next claim goes on, and when nothing is due sleep exactly
 * until the next run time the claim reported, or until woken by an earlier schedule.
 */
export class ClaimLoop {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly dispatchContext: DispatchContext;
  private stopping = false;
  private running: Promise<void> | undefined;
  private lastReapAt = 0;
  /** Redis server clock minus this process's clock, measured at each claim. */
  private serverOffsetMs = 0;

  constructor(private readonly options: ClaimLoopOptions) {
    this.dispatchContext = {
      ...options.dispatch,
      queue: options.queue,
      signal: this.abort.signal,
      serverNow: () => Date.now() + this.serverOffsetMs,
    };
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops claiming, lets the batches in flight finish (acked, or given back at once) and resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.options.wake.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    const { queue, wake, batchSize } = this.options;
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.reapWhenDue();
        wake.reset();
        const claim = await queue.claim({ max: batchSize });
        this.serverOffsetMs = claim.now - Date.now();
        failures = 0;
        if (claim.dead.length > 0) this.options.dispatch.onError(deadItemsError(claim.dead));
        if (claim.items.length > 0) {
          await this.dispatch(claim.items);
          continue;
        }
        const untilNextRun = claim.nextRunAt === null ? Infinity : claim.nextRunAt - claim.now;
        await wake.sleep(Math.min(untilNextRun, this.untilNextReap()));
      } catch (error) {
        failures += 1;
        this.options.dispatch.onError(error as Error);
        const { backoffMs, maxBackoffMs } = this.options.dispatch;
        await wake.sleep(backoffDelay(failures, backoffMs, maxBackoffMs));
      }
    }
    await Promise.allSettled(this.inFlight);
  }

  /** Starts publishing a batch; waits only when maxInFlight batches are already being published. */
  private async dispatch(items: ClaimedItem[]): Promise<void> {
    const publishing = dispatchBatch(this.dispatchContext, items).finally(() =>
      this.inFlight.delete(publishing),
    );
    this.inFlight.add(publishing);
    if (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
  }

  private async reapWhenDue(): Promise<void> {
    if (this.untilNextReap() > 0) return;
    this.lastReapAt = Date.now();
    await this.options.queue.reap();
  }

  private untilNextReap(): number {
    return this.lastReapAt + this.options.reapIntervalMs - Date.now();
  }
}
