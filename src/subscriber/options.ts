import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { invalidArgument } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { ephemeralChannelName, assertTopicName } from '../nsq/names.js';
import { assertPositiveInteger } from '../queue/validate.js';
import { assertPrefix } from '../redis/keys.js';
import type { FrozenConfig } from './config-state.js';
import type { NsqdEndpoint } from './nsq-http.js';
import type { ConfigSubscriberOptions } from './types.js';

/** The options with every default filled in; what the subscriber runs on. */
export interface ResolvedOptions {
  topic: string;
  service: string;
  instanceId: string;
  prefix: string;
  channel: string;
  /** Exactly one of `nsqd` and `lookupd` is non-empty. */
  nsqd: NsqdEndpoint[];
  lookupd: string[];
  validate: ((nextConfig: FrozenConfig) => boolean | void) | undefined;
  reconcileMs: number;
  staleAfterMs: number;
  retryMs: number;
  redisTimeoutMs: number;
  connectTimeoutMs: number;
  nsqReconnectMs: number;
  maxInFlight: number;
  backupFile: string | undefined;
  backupDelayMs: number;
  logger: Logger;
}

const ADDRESS_PATTERN = /^[^\s:/]+:\d{1,5}$/;
const URL_PATTERN = /^https?:\/\/\S+$/;

/** Checks every option except `redis`; throws E_INVALID_ARGUMENT. Nothing connects before this passed. */
export function resolveOptions(options: ConfigSubscriberOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
  assertTopicName(options.topic);
  assertPrefix(options.prefix);
  const { nsqd, lookupd } = nsqSources(options);
  if (options.validate !== undefined && typeof options.validate !== 'function') {
    throw invalidArgument('validate must be a function');
  }
  if (options.backupFile !== undefined && (typeof options.backupFile !== 'string' || !options.backupFile)) {
    throw invalidArgument('backupFile must be a non-empty path');
  }
  const reconcileMs = assertPositiveInteger(options.reconcileMs ?? 30_000, 'reconcileMs');
  const nsqReconnectMs = assertPositiveInteger(options.nsqReconnectMs ?? 5_000, 'nsqReconnectMs');
  if (nsqReconnectMs < 1000)
    throw invalidArgument('nsqReconnectMs must be at least 1000 (nsqjs polls in seconds)');
  const instanceId = options.instanceId ?? defaultInstanceId();
  return {
    topic: options.topic,
    service: options.service,
    instanceId,
    prefix: options.prefix,
    channel: ephemeralChannelName(options.service, instanceId),
    nsqd,
    lookupd,
    validate: options.validate,
    reconcileMs,
    staleAfterMs: assertPositiveInteger(options.staleAfterMs ?? 3 * reconcileMs, 'staleAfterMs'),
    retryMs: assertPositiveInteger(options.retryMs ?? 1_000, 'retryMs'),
    redisTimeoutMs: assertPositiveInteger(options.redisTimeoutMs ?? 2_000, 'redisTimeoutMs'),
    connectTimeoutMs: assertPositiveInteger(options.connectTimeoutMs ?? 2_000, 'connectTimeoutMs'),
    nsqReconnectMs,
    maxInFlight: assertPositiveInteger(options.maxInFlight ?? 1_000, 'maxInFlight'),
    backupFile: options.backupFile,
    backupDelayMs: assertPositiveInteger(options.backupDelayMs ?? 1_000, 'backupDelayMs'),
    logger: options.logger ?? silentLogger,
  };
}

function nsqSources(options: ConfigSubscriberOptions): { nsqd: NsqdEndpoint[]; lookupd: string[] } {
  if ((options.nsqd === undefined) === (options.lookupd === undefined)) {
    throw invalidArgument('give either nsqd (TCP addresses) or lookupd (nsqlookupd HTTP addresses)');
  }
  if (options.lookupd !== undefined) {
    const lookupd = addressList(options.lookupd, 'lookupd', (address) => URL_PATTERN.test(address));
    return { nsqd: [], lookupd };
  }
  const tcpAddresses = addressList(options.nsqd, 'nsqd');
  const httpAddresses =
    options.nsqdHttp === undefined ? tcpAddresses.map(nextPort) : addressList(options.nsqdHttp, 'nsqdHttp');
  if (httpAddresses.length !== tcpAddresses.length) {
    throw invalidArgument('nsqdHttp must name one HTTP address per nsqd address, in the same order');
  }
  const nsqd = tcpAddresses.map((tcpAddress, index) => ({
    tcpAddress,
    httpAddress: httpAddresses[index] as string,
  }));
  return { nsqd, lookupd: [] };
}

/** A 'host:port' string or a non-empty array of them (or of whatever `alsoAllowed` accepts). */
function addressList(value: unknown, name: string, alsoAllowed?: (address: string) => boolean): string[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const valid = (address: unknown): address is string =>
    typeof address === 'string' && (ADDRESS_PATTERN.test(address) || alsoAllowed?.(address) === true);
  if (list.length === 0 || !list.every(valid)) {
    throw invalidArgument(`${name} must be a 'host:port' address or a non-empty array of them`);
  }
  return list;
}

function nextPort(address: string): string {
  const separator = address.lastIndexOf(':');
  return `${address.slice(0, separator)}:${Number(address.slice(separator + 1)) + 1}`;
}

/** `<host>-<pid>-<random>` in NSQ's channel alphabet, short enough to leave room for the service name. */
function defaultInstanceId(): string {
  const host = hostname()
    .replace(/[^.a-zA-Z0-9_-]/g, '-')
    .slice(0, 20);
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
