import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { invalidArgument } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { ephemeralChannelName, assertTopicName } from '../nsq/names.js';
import { assertPositiveInteger, assertTimerMs, MAX_TIMER_MS } from '../queue/validate.js';
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
  startupBufferBytes: number;
  logger: Logger;
}

/** nsqd refuses a RDY count above its --max-rdy-count, 2500 by default. */
const MAX_IN_FLIGHT = 2_500;
const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

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
  const reconcileMs = assertTimerMs(options.reconcileMs ?? 30_000, 'reconcileMs');
  const nsqReconnectMs = assertTimerMs(options.nsqReconnectMs ?? 5_000, 'nsqReconnectMs');
  if (nsqReconnectMs < 1000)
    throw invalidArgument('nsqReconnectMs must be at least 1000 (nsqjs polls in seconds)');
  if (options.instanceId !== undefined && typeof options.instanceId !== 'string') {
    throw invalidArgument('instanceId must be a string');
  }
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
    staleAfterMs: assertTimerMs(
      options.staleAfterMs ?? Math.min(3 * reconcileMs, MAX_TIMER_MS),
      'staleAfterMs',
    ),
    retryMs: assertTimerMs(options.retryMs ?? 1_000, 'retryMs'),
    redisTimeoutMs: assertTimerMs(options.redisTimeoutMs ?? 2_000, 'redisTimeoutMs'),
    connectTimeoutMs: assertTimerMs(options.connectTimeoutMs ?? 2_000, 'connectTimeoutMs'),
    nsqReconnectMs,
    maxInFlight: assertPositiveInteger(options.maxInFlight ?? 1_000, 'maxInFlight', MAX_IN_FLIGHT),
    backupFile: options.backupFile,
    backupDelayMs: assertTimerMs(options.backupDelayMs ?? 1_000, 'backupDelayMs'),
    startupBufferBytes: assertPositiveInteger(
      options.startupBufferBytes ?? 16 * 1024 * 1024,
      'startupBufferBytes',
    ),
    logger: checkedLogger(options.logger),
  };
}

function checkedLogger(logger: unknown): Logger {
  if (logger === undefined) return silentLogger;
  const valid =
    typeof logger === 'object' &&
    logger !== null &&
    LOGGER_METHODS.every((method) => typeof (logger as Record<string, unknown>)[method] === 'function');
  if (!valid) throw invalidArgument(`logger must have the methods ${LOGGER_METHODS.join(', ')}`);
  return logger as Logger;
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
    typeof address === 'string' &&
    ((ADDRESS_PATTERN.test(address) && isPort(portOf(address))) || alsoAllowed?.(address) === true);
  if (list.length === 0 || !list.every(valid)) {
    throw invalidArgument(`${name} must be a 'host:port' address or a non-empty array of them`);
  }
  return list;
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function isPort(port: number): boolean {
  return port >= 1 && port <= 65_535;
}

function nextPort(address: string): string {
  const port = portOf(address) + 1;
  if (!isPort(port)) throw invalidArgument(`nsqdHttp is needed: ${address} has no next port for its default`);
  return `${address.slice(0, address.lastIndexOf(':'))}:${port}`;
}

/** `<host>-<pid>-<random>` in NSQ's channel alphabet, short enough to leave room for the service name. */
function defaultInstanceId(): string {
  const host = hostname()
    .replace(/[^.a-zA-Z0-9_-]/g, '-')
    .slice(0, 20);
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
