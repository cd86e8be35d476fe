import { describe, expect, it } from 'vitest';
import { assertChannelName, assertTopicName, ephemeralChannelName } from '../../src/nsq/names.js';

const invalidArgument = expect.objectContaining({ code: 'E_INVALID_ARGUMENT' });

describe.each([
  ['assertTopicName', assertTopicName],
  ['assertChannelName', assertChannelName],
])('%s', (_name, assertName) => {
  it.each([
    'a',
    'config-changes',
    'hotconf.v1_test',
    'svc#ephemeral',
    'x'.repeat(64),
    'x'.repeat(54) + '#ephemeral',
  ])('accepts %j', (name) => {
    expect(() => assertName(name)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['65 characters with the suffix', 'x'.repeat(55) + '#ephemeral'],
    ['a space', 'config changes'],
    ['a slash', 'config/changes'],
    ['a colon', 'config:changes'],
    ['non-ASCII', 'café'],
    ['only the suffix', '#ephemeral'],
    ['another suffix', 'svc#temporary'],
    ['the suffix in the middle', 'svc#ephemeral.x'],
    ['not a string', 42],
  ])('rejects %s with E_INVALID_ARGUMENT', (_case, name) => {
    expect(() => assertName(name)).toThrow(invalidArgument);
  });
});

describe('ephemeralChannelName', () => {
  it('joins service and instance id and marks the channel ephemeral', () => {
    expect(ephemeralChannelName('billing', 'host-1.4242')).toBe('billing.host-1.4242#ephemeral');
  });

  it('cuts a long service name so the channel is exactly 64 characters, keeping the instance id whole', () => {
    const instanceId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const channel = ephemeralChannelName('s'.repeat(100), instanceId);

    expect(channel).toHaveLength(64);
    expect(channel.endsWith(`.${instanceId}#ephemeral`)).toBe(true);
    expect(() => assertChannelName(channel)).not.toThrow();
  });

  it('gives different instances of one long-named service different channels', () => {
    const service = 'a-very-long-service-name-that-will-not-fit-in-the-channel-name';

    expect(ephemeralChannelName(service, 'host-1')).not.toBe(ephemeralChannelName(service, 'host-2'));
  });

  it('accepts the longest instance id that leaves one character of the service', () => {
    expect(ephemeralChannelName('billing', 'i'.repeat(52))).toBe(`b.${'i'.repeat(52)}#ephemeral`);
  });

  it.each([
    ['an empty service', '', 'host-1'],
    ['a service with a space', 'bill ing', 'host-1'],
    ['a service with a #', 'billing#ephemeral', 'host-1'],
    ['an empty instance id', 'billing', ''],
    ['an instance id with a slash', 'billing', 'pod/1'],
    ['an instance id too long to leave room for the service', 'billing', 'i'.repeat(53)],
  ])('rejects %s with E_INVALID_ARGUMENT', (_case, service, instanceId) => {
    expect(() => ephemeralChannelName(service, instanceId)).toThrow(invalidArgument);
  });
});
