// The demo's scheduler, in a process of its own as in production: runs until SIGTERM, then stops
// gracefully (finishes the batch in flight, releases its leases).
import { createScheduler } from 'hotconf';
import type { DemoSettings } from './messages.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as DemoSettings;
const scheduler = createScheduler({
  redis: settings.redisUrl,
  nsqd: settings.nsqd,
  prefix: settings.prefix,
  topic: settings.topic,
});
scheduler.on('error', (error) => console.error(`scheduler: ${error.message}`));
await scheduler.start();
process.send?.({ type: 'started' });
process.once('SIGTERM', () => {
  void scheduler.stop().then(() => process.exit(0));
});
