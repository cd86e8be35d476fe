import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type Cluster } from 'ioredis';
import { invalidArgument } from '../errors.js';
import { redactUrls, scrubCredentialErrors } from './redact.js';

/** A single Redis or a Redis Cluster: every script touches one hash-tagged slot, so either works. */
export type RedisClient = Redis | Cluster;

/** What every `redis` option accepts: an ioredis Redis or Cluster (left open on close) or a URL (owned). */
export type RedisOption = RedisClient | string;

export interface RedisConnection {
  readonly client: RedisClient;
  /** True when hotconf created the client from a URL, so closing it is ours to do. */
  readonly owned: boolean;
}

export function connectRedis(redis: RedisOption | undefined): RedisConnection {
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\//.test(redis))
      throw invalidArgument(`redis must be a redis:// URL (got "${redactUrls(redis)}")`);
    const client = guarded(new Redis(redis));
    // Without a listener ioredis prints every failed reconnect; the commands that fail report the outage.
    client.on('error', () => {});
    return { client, owned: true };
  }
  if (isRedisClient(redis)) return { client: guarded(redis), owned: false };
  throw invalidArgument('redis must be an ioredis Redis or Cluster instance, or a redis:// URL');
}

const guardedClients = new WeakSet<object>();

/**
 * Keeps passwords out of the errors of every connection hotconf uses on this client: a Redis's own,
 * those of its duplicate() (the wake listener's) and, on a Cluster, each node's as it joins.
 */
function guarded<Client extends RedisClient>(client: Client): Client {
  if (guardedClients.has(client)) return client;
  guardedClients.add(client);
  if ('nodes' in client && typeof client.nodes === 'function') {
    for (const node of client.nodes()) guarded(node);
    client.on('+node', (node: Redis) => guarded(node));
    return client;
  }
  const redis = client as Redis;
  // A duck-typed client (ioredis-mock) may not send through sendCommand: nothing to scrub then.
  if (typeof redis.sendCommand === 'function') scrubCredentialErrors(redis);
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (...args) => guarded(duplicate(...args));
  return client;
}

// Duck-typed rather than `instanceof`: the app may carry its own copy of ioredis (or ioredis-mock).
function isRedisClient(value: unknown): value is RedisClient {
  const candidate = value as Partial<RedisClient> | null;
  return typeof candidate?.defineCommand === 'function' && typeof candidate.duplicate === 'function';
}

const QUIT_TIMEOUT_MS = 1_000;

/** Closes the connection if hotconf owns it: QUIT, so replies in flight still arrive, then a hard close. */
export async function releaseRedis(connection: RedisConnection): Promise<void> {
  if (!connection.owned) return;
  // QUIT would wait in the offline queue for a server that is not there.
  if (connection.client.status !== 'ready') return connection.client.disconnect();
  // A server that hangs never answers QUIT: do not wait for it longer than this.
  const quit = connection.client.quit().catch(() => {});
  await Promise.race([quit, sleep(QUIT_TIMEOUT_MS, undefined, { ref: false })]);
  connection.client.disconnect();
}
