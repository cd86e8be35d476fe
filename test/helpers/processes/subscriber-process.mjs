// A config subscriber in a process of its own, for tests and the soak that SIGKILL it and start it
// again. Uses the built package by its name. Settings: JSON in HOTCONF_PROCESS ({ redis, nsqd, topic,
// prefix, service }). Reports over IPC: { event: 'ready' }, each { event: 'change', key, newValue,
// deleted, id } as it is applied, and { event: 'config', values } when asked with 'getAll'.
import { createConfigSubscriber } from 'hotconf';

const { redis, nsqd, topic, prefix, service } = JSON.parse(process.env.HOTCONF_PROCESS);
const send = (message) => process.connected && process.send(message);

const subscriber = createConfigSubscriber({ redis, nsqd, topic, prefix, service, reconcileMs: 2_000 });
subscriber.on('error', (error) => send({ event: 'error', message: error.message }));
subscriber.on('change', ({ key, newValue, id }) =>
  send({ event: 'change', key, newValue, deleted: newValue === undefined, id }),
);
process.on('message', (message) => {
  if (message === 'getAll') send({ event: 'config', values: subscriber.getAll() });
});
// Redis may be down at start: ready() keeps retrying the snapshot load until its timeout.
await subscriber.ready({ timeoutMs: 120_000 });
send({ event: 'ready' });
