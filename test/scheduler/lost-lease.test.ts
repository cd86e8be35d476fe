import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DelayQueue, type SchedulerOptions } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { expectErrors } from './expect-errors.js';
import type { NsqdProxyOptions } from './nsqd-proxy.js';
import { publishingSlowly, type SlowPublishing } from './slow-publishing.js';

const services = useServices({ nsqd: true });

/** A batch of three change sets being published (behind `proxy`), and a reap of some of its leases. */
async function publishingThree(
  proxy: NsqdProxyOptions,
  options: Partial<SchedulerOptions> = {},
): Promise<SlowPublishing & { reap(ids?: readonly string[]): Promise<void> }> {
  const run = await publishingSlowly(services, { changes: 3, name: 'lost', proxy, options });
  const processingKey = `{${run.prefix}}:processing`;
  return {
    ...run,
    /** Expires and reaps the leases of `ids` (all when absent), as if the scheduler had stalled past them. */
    async reap(reaped = run.ids) {
      const leases = (await run.redis.zrange(processingKey, 0, -1)).filter((lease) =>
        reaped.includes(lease.slice(lease.indexOf('|') + 1)),
      );
      expect(leases).toHaveLength(reaped.length);
      await run.redis.zadd(processingKey, ...leases.flatMap((lease) => [0, lease]));
      // Reaped as a scheduler reaps (another scheduler's loop, say): the change sets are in effect, so
      // they go to republish, keeping their version.
      const reaper = new DelayQueue({
        redis: run.redis,
        prefix: run.prefix,
        claimScript: 'claimChanges',
      } as never);
      expect(await reaper.reap()).toBe(reaped.length);
    },
  };
}

// Each publish takes a second: time for a lease to be taken back under it.
const slowNsqd = { replyDelayMs: 1_000 };

describe('a lease lost while its batch is being published', () => {
  it('is reported as lost, not published; the claim that took it over publishes and reports it', async () => {
    const run = await publishingThree(slowNsqd);
    await run.reap();

    await expect.poll(() => run.lost.length, { timeout: 10_000, interval: 20 }).toBe(1);
    expect(run.lost[0]!.ids.sort()).toEqual([...run.ids].sort());
    await expect.poll(() => run.published.length, { timeout: 10_000, interval: 20 }).toBe(3);
    await sleep(500); // nothing more is reported
    expect(run.published.sort()).toEqual([...run.ids].sort());
    expect(run.lost).toHaveLength(1);
    expect(await run.scheduler.stats()).toMatchObject({ due: 0, processing: 0 });
    await run.consumer.waitForCount(6, 5_000); // published twice: at-least-once, dropped by version downstream
    await run.close();
  });

  it('names only the change sets whose lease was lost; the rest of the batch is reported published', async () => {
    const run = await publishingThree(slowNsqd);
    const [taken, ...kept] = run.ids as [string, ...string[]];
    await run.reap([taken]);

    await expect.poll(() => run.lost.length, { timeout: 10_000, interval: 20 }).toBe(1);
    expect(run.lost[0]!.ids).toEqual([taken]);
    // The two still held are acked with the batch's publish; the taken one is published again by its new claim.
    await expect.poll(() => run.published.length, { timeout: 10_000, interval: 20 }).toBe(3);
    expect(run.published.slice(0, 2).sort()).toEqual([...kept].sort());
    expect(run.published[2]).toBe(taken);
    await sleep(500); // nothing more is reported
    expect(run.published).toHaveLength(3);
    expect(run.lost).toHaveLength(1);
    expect(await run.scheduler.stats()).toMatchObject({ due: 0, processing: 0, awaitingPublish: 0 });
    await run.consumer.waitForCount(4, 5_000); // the taken one twice, dropped by version downstream
    await run.close();
  });

  it('names only the change sets whose lease was lost when a failed publish gives the batch back', async () => {
    // nsqd hangs on the publish, which fails after a second with no quick retry: the batch is requeued.
    const run = await publishingThree(
      { hangOnPublish: true },
      { publishTimeoutMs: 1_000, publishRetries: 0, backoffMs: 60_000 },
    );
    const errors = expectErrors(run.scheduler, 'E_PUBLISH_FAILED');
    const [taken, ...kept] = run.ids as [string, ...string[]];
    await run.reap([taken]);

    await expect.poll(() => run.lost.length, { timeout: 10_000, interval: 20 }).toBe(1);
    expect(run.lost).toEqual([{ ids: [taken] }]);
    // The batch's own requeue gives back the two it still held (the taken one, claimed again, fails and
    // is requeued on its own).
    const batchRequeue = run.requeued.find((event) => event.ids.includes(kept[0]!));
    expect(batchRequeue?.ids.sort()).toEqual([...kept].sort());
    expect(errors.unexpected()).toEqual([]);
    await run.close();
  });
});
