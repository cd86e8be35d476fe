// A scheduler in a process of its own, for tests and the soak that SIGKILL it and start it again.
// Uses the built package by its name. Settings: JSON in HOTCONF_PROCESS ({ redis, nsqd, topic, prefix,
// leaseMs? }). Reports { event: 'started' | 'error', ... } over IPC. Redis or nsqd may be down when it
// starts (a restart in the middle of a fault): start() is retried until it succeeds.
import { setTimeout as sleep } from 'node:timers/promises';
import { createScheduler } from 'hotconf';

const { redis, nsqd, topic, prefix, leaseMs = 2_000 } = JSON.parse(process.env.HOTCONF_PROCESS);
const send = (message) => process.connected && process.send(message);

for (let attempt = 1; ; attempt++) {
  const scheduler = createScheduler({ redis, nsqd, topic, prefix, leaseMs, reapIntervalMs: 500 });
  scheduler.on('error', (error) => send({ event: 'error', message: error.message }));
  try {
    await scheduler.start();
    send({ event: 'started', attempt });
    break;
  } catch (error) {
    send({ event: 'error', message: `start: ${error.message}` });
    await scheduler.stop().catch(() => {});
    await sleep(500);
  }
}
