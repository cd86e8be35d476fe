import type { RedisClient } from '../redis/connection.js';
import type { HotconfKeys } from '../redis/keys.js';
import { refuseNewerLayout } from '../redis/layout.js';
import { parseStoredVersion, type Version } from './version.js';

/** The current config as the claim script maintains it in Redis: the truth subscribers converge to. */
export interface ConfigSnapshot {
  /** Incremented whenever the snapshot changed. */
  revision: number;
  /** key -> value; deleted keys are absent. */
  values: Record<string, unknown>;
  /** key -> version of its latest change, deletes included. */
  versions: Record<string, Version>;
}

/**
 * Reads values, versions and revision in one MULTI, so they are consistent with each other. The same
 * MULTI reads the layout version: a reader (subscriber, scheduler) refuses a newer layout with E_LAYOUT.
 */
export async function readSnapshot(redis: RedisClient, keys: HotconfKeys): Promise<ConfigSnapshot> {
  const replies = await redis
    .multi()
    .get(keys.revision)
    .hgetall(keys.config)
    .hgetall(keys.versions)
    .hget(keys.meta, 'layout')
    .exec();
  if (replies === null) throw new Error('snapshot transaction was aborted');
  for (const [error] of replies) if (error) throw error;
  const [revision, values, versions, layout] = replies.map(([, reply]) => reply) as [
    string | null,
    Record<string, string>,
    Record<string, string>,
    string | null,
  ];
  refuseNewerLayout(Number(layout ?? 0), keys);
  return {
    revision: Number(revision ?? 0),
    values: Object.fromEntries(
      Object.entries(values).map(([key, json]) => [key, JSON.parse(json) as unknown]),
    ),
    versions: Object.fromEntries(
      Object.entries(versions).map(([key, stored]) => [key, parseStoredVersion(stored)]),
    ),
  };
}

export async function readRevision(redis: RedisClient, keys: HotconfKeys): Promise<number> {
  return Number((await redis.get(keys.revision)) ?? 0);
}
