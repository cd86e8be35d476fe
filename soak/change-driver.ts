import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigChange, Scheduler } from 'hotconf';
import type { Version } from './versions.js';

export interface AcknowledgedChange extends Version {
  id: string;
  /** The number of the change: every value it sets is this number, so a value tells which change set it. */
  n: number;
  changes: ConfigChange[];
}

const KEYS = 200;
const RETRY_MS = 200;
/** After stop(), how long changes not yet acknowledged are retried before they are given up. */
const FINISH_MS = 60_000;

/**
 * Schedules changes at `perSecond` through `scheduler` (not started: it only writes): mostly one key set,
 * some deletes, some change sets of 2-4 keys, each due within 2 s. Every change has a stable id and is
 * retried with it until schedule() resolves, so a retry after a lost reply changes nothing; what
 * resolved is acknowledged.
 */
export class ChangeDriver {
  readonly acknowledged: AcknowledgedChange[] = [];
  retries = 0;
  /** Changes still unacknowledged FINISH_MS after stop() (Redis never came back): not retried further. */
  abandoned = 0;
  private giveUpAt = Infinity;
  private next = 0;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly perSecond: number,
    private readonly maxInFlight = 2_000,
  ) {}

  /** Runs until stop(); then resolves once every change it began is acknowledged (or abandoned). */
  async run(): Promise<void> {
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((this.perSecond * tickMs) / 1_000));
    while (!this.stopped) {
      // Bounded: while Redis is down, no more than maxInFlight changes wait for it.
      for (let i = 0; i < perTick && this.inFlight.size < this.maxInFlight; i++) this.begin(this.next++);
      await sleep(tickMs);
    }
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  stop(): void {
    this.stopped = true;
    this.giveUpAt = Date.now() + FINISH_MS;
  }

  private begin(n: number): void {
    const running = this.scheduleUntilResolved(n).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  private async scheduleUntilResolved(n: number): Promise<void> {
    const changes = changesFor(n);
    const id = `soak-${n}`;
    const delayMs = (n * 7919) % 2_000;
    for (;;) {
      try {
        const { seq, effectiveAt } = await this.scheduler.schedule({ changes }, { id, delayMs });
        this.acknowledged.push({ id, n, changes, seq, effectiveAt });
        return;
      } catch {
        if (Date.now() > this.giveUpAt) {
          this.abandoned += 1;
          return;
        }
        this.retries += 1;
        await sleep(RETRY_MS);
      }
    }
  }
}

/** Change n: 70 % one key set, 15 % one key deleted, 15 % a change set of 2-4 keys (a delete among them). */
function changesFor(n: number): ConfigChange[] {
  const key = (k: number): string => `key-${k % KEYS}`;
  const kind = (n * 31) % 100;
  if (kind < 70) return [{ key: key(n * 13), value: n }];
  if (kind < 85) return [{ key: key(n * 17), deleted: true }];
  const size = 2 + (n % 3);
  return Array.from({ length: size }, (_, i) =>
    i === size - 1 && n % 2 === 0
      ? { key: key(n * 19 + i * 41), deleted: true as const }
      : { key: key(n * 19 + i * 41), value: n },
  );
}
