import { invalidArgument } from '../errors.js';

// nsqd's own rule (protocol.IsValidTopicName / IsValidChannelName): the suffix counts towards the 64.
const MAX_NAME_LENGTH = 64;
const NAME_PATTERN = /^[.a-zA-Z0-9_-]+(#ephemeral)?$/;
const NAME_PART_PATTERN = /^[.a-zA-Z0-9_-]+$/;
const EPHEMERAL_SUFFIX = '#ephemeral';
// Room for `<service>.<instanceId>` inside the limit, keeping at least one character of the service.
const MAX_SERVICE_AND_ID_LENGTH = MAX_NAME_LENGTH - EPHEMERAL_SUFFIX.length;
const MAX_INSTANCE_ID_LENGTH = MAX_SERVICE_AND_ID_LENGTH - '.'.length - 1;

/** Throws E_INVALID_ARGUMENT unless nsqd would accept `name` as a topic. */
export function assertTopicName(name: unknown): asserts name is string {
  assertNsqName('topic', name);
}

/** Throws E_INVALID_ARGUMENT unless nsqd would accept `name` as a channel. */
export function assertChannelName(name: unknown): asserts name is string {
  assertNsqName('channel', name);
}

/**
 * The channel one subscriber instance reads: `<service>.<instanceId>#ephemeral`. Every instance has its
 * own channel, so every instance receives every message; nsqd deletes an ephemeral channel when its
 * last consumer leaves. A long service name is cut short to fit 64 characters; the instance id is kept
 * whole because it is what keeps the channel unique.
 *
 * @example ephemeralChannelName('billing', 'host-1.4242') // 'billing.host-1.4242#ephemeral'
 */
export function ephemeralChannelName(service: string, instanceId: string): string {
  assertNamePart('service', service);
  assertNamePart('instance id', instanceId);
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH) {
    throw invalidArgument(
      `instance id must be at most ${MAX_INSTANCE_ID_LENGTH} characters, got ${instanceId.length}`,
    );
  }
  const serviceRoom = MAX_SERVICE_AND_ID_LENGTH - '.'.length - instanceId.length;
  return `${service.slice(0, serviceRoom)}.${instanceId}${EPHEMERAL_SUFFIX}`;
}

function assertNsqName(kind: 'topic' | 'channel', name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length < 1 || name.length > MAX_NAME_LENGTH) {
    throw invalidArgument(`NSQ ${kind} name must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw invalidArgument(
      `NSQ ${kind} name ${JSON.stringify(name)} may only contain letters, digits, '.', '_' and '-', ` +
        `optionally followed by '${EPHEMERAL_SUFFIX}'`,
    );
  }
}

function assertNamePart(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !NAME_PART_PATTERN.test(value)) {
    throw invalidArgument(
      `${what} must be a non-empty string of letters, digits, '.', '_' and '-', got ${JSON.stringify(value)}`,
    );
  }
}
