import type { HotconfKeys } from '../redis/keys.js';
import type { RedisClient } from '../redis/connection.js';
import { runScript } from '../redis/scripts.js';
import { nextOccurrences } from './occurrences.js';
import { decodeRecurring } from './recurring-definition.js';

/** Occurrence times kept precomputed with each definition; refilled when fewer than half are left. */
export const PRECOMPUTED_OCCURRENCES = 100;

/**
 * Keeps every recurring definition supplied with precomputed occurrence times (the claim, in Lua,
 * cannot compute them: it has no time-zone database) and schedules the next occurrence of one that
 * ran out, or whose pending occurrence was cancelled by itself. Safe to run in any number of schedulers at once: the refill script drops times at or
 * before the pending occurrence and schedules only when none is pending.
 */
export async function refillRecurring(redis: RedisClient, keys: HotconfKeys): Promise<void> {
  for (const [id, encoded] of Object.entries(await redis.hgetall(keys.recurring))) {
    const definition = decodeRecurring(id, encoded);
    // Times from now (this process's clock; the script drops any not after the server's now), only when
    // they run low; the script runs for every definition, to replace an occurrence cancelled by itself.
    const low = definition.times.length < PRECOMPUTED_OCCURRENCES / 2;
    const times = low ? nextOccurrences(definition.record, Date.now() - 1_000, PRECOMPUTED_OCCURRENCES) : [];
    await runScript(redis, 'recurringRefill', keys.all, [id, times.join(','), keys.wakeChannel]);
  }
}

/** Calls refillRecurring at start and then every `intervalMs` while a scheduler runs. */
export class RecurringKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly refill: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  start(): void {
    this.runIn(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private runIn(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.refill()
        .catch(this.onError)
        .then(() => {
          if (!this.stopped) this.runIn(this.intervalMs);
        });
    }, delayMs);
  }
}
