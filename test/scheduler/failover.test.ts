import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Envelope, type Scheduler } from 'hotconf';
import { startNsqd, type Nsqd } from '../../local-services/services.js';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { expectErrors } from './expect-errors.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let first: Nsqd;
let second: Nsqd;

beforeAll(async () => {
  [first, second] = await Promise.all([startNsqd({ private: true }), startNsqd({ private: true })]);
});
afterAll(async () => {
  await Promise.all([first?.dispose(), second?.dispose()]);
});

function schedulerOn(nsqd: string[], prefix: string): Scheduler {
  return testScheduler(services, prefix, { nsqd, backoffMs: 50, maxBackoffMs: 200 });
}

const idsOf = (messages: string[]): string[] => messages.map((body) => (JSON.parse(body) as Envelope).id);

describe('a list of nsqd addresses', () => {
  it('publishes to the first, and to the next once the first is SIGKILLed', async () => {
    const prefix = uniquePrefix('failover');
    const topic = `${prefix}.changes`;
    const [onFirst, onSecond] = await Promise.all([
      collectMessages(first.tcpAddress, topic),
      collectMessages(second.tcpAddress, topic),
    ]);
    const scheduler = schedulerOn([first.tcpAddress, second.tcpAddress], prefix);
    // The publish in flight when the first nsqd dies fails, then fails over.
    const errors = expectErrors(scheduler, 'E_PUBLISH_FAILED');
    await scheduler.start();

    const before = await scheduler.schedule({ key: 'k', value: 1 });
    await onFirst.waitForCount(1, 10_000);
    expect(idsOf(onFirst.messages)).toEqual([before.id]);

    await first.kill();
    const after = await scheduler.schedule({ key: 'k', value: 2 });
    await onSecond.waitForCount(1, 15_000);
    expect(idsOf(onSecond.messages)).toEqual([after.id]);
    expect(await scheduler.stats()).toMatchObject({ due: 0, processing: 0 });
    expect(errors.unexpected()).toEqual([]);
    await scheduler.stop();
    await Promise.all([onFirst.close(), onSecond.close()]);
    await first.start();
  }, 40_000);

  it('starts on the next address when the first refuses connections', async () => {
    const refusing = createServer((socket) => socket.destroy());
    refusing.listen(0, '127.0.0.1');
    await once(refusing, 'listening');
    const refusingAddress = `127.0.0.1:${(refusing.address() as { port: number }).port}`;
    const prefix = uniquePrefix('failover-start');
    const consumer = await collectMessages(second.tcpAddress, `${prefix}.changes`);
    const scheduler = schedulerOn([refusingAddress, second.tcpAddress], prefix);
    const errors: Error[] = [];
    scheduler.on('error', (error) => errors.push(error));
    await scheduler.start();
    const { id } = await scheduler.schedule({ key: 'k', value: 1 });
    await consumer.waitForCount(1, 10_000);
    expect(idsOf(consumer.messages)).toEqual([id]);
    expect(errors).toEqual([]); // failing over within one publish attempt is not an error
    await scheduler.stop();
    await consumer.close();
    refusing.close();
  });
});
