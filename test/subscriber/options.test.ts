import { describe, expect, it } from 'vitest';
import { createConfigSubscriber, type ConfigSubscriberOptions } from '../../src/index.js';

const base: ConfigSubscriberOptions = {
  redis: 'redis://127.0.0.1:1',
  nsqd: '127.0.0.1:1',
  topic: 'changes',
  prefix: 'app',
  service: 'svc',
};

describe('createConfigSubscriber options', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a bad topic', { topic: 'bad topic' }],
    ['a bad prefix', { prefix: '' }],
    ['a service name with a space', { service: 'my svc' }],
    ['an instance id that makes the channel too long', { instanceId: 'x'.repeat(64) }],
    ['both nsqd and lookupd', { lookupd: '127.0.0.1:4161' }],
    ['neither nsqd nor lookupd', { nsqd: undefined }],
    ['an nsqd that is no address', { nsqd: 'localhost' }],
    ['an empty nsqd list', { nsqd: [] }],
    ['nsqdHttp not matching nsqd', { nsqdHttp: ['127.0.0.1:2', '127.0.0.1:3'] }],
    ['a validate that is no function', { validate: 'yes' }],
    ['a zero reconcileMs', { reconcileMs: 0 }],
    ['an nsqReconnectMs under a second', { nsqReconnectMs: 500 }],
    ['an empty backupFile', { backupFile: '' }],
    ['a redis that is no URL', { redis: 'localhost:6379' }],
  ])('refuses %s with E_INVALID_ARGUMENT before connecting', (_case, override) => {
    const options = { ...base, ...override } as ConfigSubscriberOptions;
    expect(() => createConfigSubscriber(options)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});
