// One instance of a demo service: a config subscriber that reports every change it applies to the
// demo over IPC, until SIGTERM.
import { createConfigSubscriber } from 'hotconf';
import type { DemoSettings, InstanceMessage } from './messages.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as DemoSettings;
const [service = 'service', instance = 'instance'] = process.argv.slice(3);
const report = (message: InstanceMessage): void => void process.send?.(message);

const subscriber = createConfigSubscriber({
  redis: settings.redisUrl,
  nsqd: settings.nsqd,
  nsqdHttp: settings.nsqdHttp,
  prefix: settings.prefix,
  topic: settings.topic,
  service,
  instanceId: instance,
});
subscriber.on('error', (error) => console.error(`${service}.${instance}: ${error.message}`));
subscriber.on('change', ({ key, newValue, id, effectiveAt }) => {
  report({
    type: 'change',
    instance: `${service}.${instance}`,
    key,
    newValue,
    id,
    effectiveAt,
    appliedAt: Date.now(),
  });
});
const { revision } = await subscriber.ready({ timeoutMs: 10_000 });
report({ type: 'ready', instance: `${service}.${instance}`, revision });
process.once('SIGTERM', () => {
  void subscriber.close().then(() => process.exit(0));
});
