import { describe, expect, it } from 'vitest';
import { type Logger, type PublishedEvent } from 'hotconf';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { schedulerThroughOutage, testScheduler } from '../helpers/test-scheduler.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true, private: true });

class ListenerBoom extends Error {}

describe('user callbacks cannot stop the loop or skip an event', () => {
  it('a throwing published listener skips nothing: every listener sees every change of the batch', async () => {
    const prefix = uniquePrefix('throwing-published');
    const redis = connectRedis(services.redis.url);
    const scheduler = testScheduler(services, prefix, { redis });
    const seen: string[] = [];
    const errors: unknown[] = [];
    scheduler.on('published', () => {
      throw new ListenerBoom('published listener fails');
    });
    scheduler.on('published', (event: PublishedEvent) => seen.push(event.id));
    scheduler.on('error', (error) => errors.push(error));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await scheduler.schedule({ key: `k${i}`, value: i })).id);
    await scheduler.start(); // the five are due: one claim, one batch
    await expect.poll(() => seen.length, { timeout: 10_000, interval: 20 }).toBe(5);
    expect(seen.sort()).toEqual([...ids].sort());
    // Each throw is reported as an error naming the event, with the listener's error as its cause.
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      expect(error).toMatchObject({ code: 'E_LISTENER_FAILED' });
      expect((error as Error).message).toContain("'published' listener");
      expect((error as Error).cause).toBeInstanceOf(ListenerBoom);
    }
    await scheduler.stop();
    redis.disconnect(); // the next test kills Redis: this connection would report it
  });

  it('a throwing error listener and a throwing logger do not end the loop while Redis is away', async () => {
    const prefix = uniquePrefix('throwing-error');
    const topic = `${prefix}.changes`;
    const logged: string[] = [];
    const throwingLogger: Logger = {
      debug: () => {
        throw new Error('logger fails');
      },
      info: () => {
        throw new Error('logger fails');
      },
      warn: () => {
        throw new Error('logger fails');
      },
      error: (_obj, msg) => {
        logged.push(String(msg));
        throw new Error('logger fails');
      },
    };
    const { scheduler, redis } = schedulerThroughOutage(services, prefix, { logger: throwingLogger });
    let errorsSeen = 0;
    scheduler.on('error', () => {
      errorsSeen += 1;
      throw new ListenerBoom('error listener fails');
    });
    const published: string[] = [];
    scheduler.on('published', (event) => published.push(event.id));
    await scheduler.start();

    await services.redis.kill();
    // The loop's Redis calls fail (E_REDIS), and the listener throws on each.
    await expect.poll(() => errorsSeen, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(2);
    await services.redis.start();
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    // The loop is still running: a change scheduled now is claimed and published by it.
    const { id } = await scheduler.schedule({ key: 'after', value: 1 });
    await expect.poll(() => published, { timeout: 20_000, interval: 20 }).toContain(id);
    await consumer.waitForCount(1, 5_000);
    expect(logged.length).toBeGreaterThan(0); // the logger was called, and its throws were contained
    await consumer.close();
    await scheduler.stop();
    redis.disconnect();
  }, 60_000);
});
