import type { RedisClient } from './connection.js';
import { hotconfKeys } from './keys.js';
import ack from '../../lua/ack.lua';
import bridgeMove from '../../lua/bridge-move.lua';
import bridgeRelease from '../../lua/bridge-release.lua';
import cancel from '../../lua/cancel.lua';
import claimChanges from '../../lua/claim-changes.lua';
import claim from '../../lua/claim.lua';
import dead from '../../lua/dead.lua';
import extend from '../../lua/extend.lua';
import changeSet from '../../lua/includes/change-set.lua';
import claimDue from '../../lua/includes/claim-due.lua';
import itemsReply from '../../lua/includes/items-reply.lua';
import keys from '../../lua/includes/keys.lua';
import layout from '../../lua/includes/layout.lua';
import leases from '../../lua/includes/leases.lua';
import retention from '../../lua/includes/retention.lua';
import scheduleItem from '../../lua/includes/schedule-item.lua';
import slices from '../../lua/includes/slices.lua';
import snapshot from '../../lua/includes/snapshot.lua';
import time from '../../lua/includes/time.lua';
import wake from '../../lua/includes/wake.lua';
import fields from '../../lua/includes/fields.lua';
import history from '../../lua/includes/history.lua';
import recurringIncl from '../../lua/includes/recurring.lua';
import releaseApply from '../../lua/includes/release-apply.lua';
import releaseClaim from '../../lua/includes/release-claim.lua';
import recordChange from '../../lua/includes/record-change.lua';
import releaseMeta from '../../lua/includes/release-meta.lua';
import scheduleChange from '../../lua/includes/schedule-change.lua';
import peek from '../../lua/peek.lua';
import purgeDead from '../../lua/purge-dead.lua';
import recurringAdd from '../../lua/recurring-add.lua';
import recurringCancel from '../../lua/recurring-cancel.lua';
import recurringRefill from '../../lua/recurring-refill.lua';
import reap from '../../lua/reap.lua';
import requeue from '../../lua/requeue.lua';
import reschedule from '../../lua/reschedule.lua';
import retryDead from '../../lua/retry-dead.lua';
import schedule from '../../lua/schedule.lua';
import stats from '../../lua/stats.lua';
import upgradeLayout from '../../lua/upgrade-layout.lua';

const INCLUDES: Record<string, string> = {
  keys,
  layout,
  time,
  wake,
  leases,
  retention,
  'items-reply': itemsReply,
  'claim-due': claimDue,
  'change-set': changeSet,
  slices,
  snapshot,
  'schedule-item': scheduleItem,
  fields,
  history,
  recurring: recurringIncl,
  'release-apply': releaseApply,
  'release-claim': releaseClaim,
  'release-meta': releaseMeta,
  'record-change': recordChange,
  'schedule-change': scheduleChange,
};

const SCRIPTS = {
  schedule,
  claim,
  claimChanges,
  ack,
  extend,
  requeue,
  reap,
  cancel,
  reschedule,
  peek,
  stats,
  dead,
  retryDead,
  purgeDead,
  upgradeLayout,
  bridgeMove,
  bridgeRelease,
  recurringAdd,
  recurringRefill,
  recurringCancel,
};

export type ScriptName = keyof typeof SCRIPTS;

/** Every script receives the same keys, in the order of lua/includes/keys.lua... */
const NUMBER_OF_KEYS = hotconfKeys('_').all.length;
/** ...except the recipe bridge's: the recipe's keys after them, or on Cluster the recipe's key alone. */
const KEY_COUNTS: Partial<Record<ScriptName, number>> = {
  bridgeMove: NUMBER_OF_KEYS + 2,
  bridgeRelease: 1,
};

/** Replaces each `-- @include "name"` line with lua/includes/name.lua (BullMQ does the same). */
export function expandIncludes(source: string): string {
  return source.replace(/^-- @include "([\w-]+)"$/gm, (_line, name: string) => {
    const include = INCLUDES[name];
    if (include === undefined) throw new Error(`unknown Lua include "${name}"`);
    return include;
  });
}

const commandName = (name: ScriptName): string => `hotconf_${name}`;

const prepared = new WeakSet<RedisClient>();

/**
 * Registers the scripts on a connection once (ioredis `defineCommand`: EVALSHA, falling back to EVAL
 * when Redis answers NOSCRIPT, as it does after a restart or SCRIPT FLUSH).
 */
function prepare(redis: RedisClient): void {
  if (prepared.has(redis)) return;
  for (const [name, source] of Object.entries(SCRIPTS)) {
    redis.defineCommand(commandName(name as ScriptName), {
      numberOfKeys: KEY_COUNTS[name as ScriptName] ?? NUMBER_OF_KEYS,
      lua: expandIncludes(source),
    });
  }
  prepared.add(redis);
}

type ScriptCommand = (...args: (string | number)[]) => Promise<unknown>;

export function runScript(
  redis: RedisClient,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  prepare(redis);
  const command = (redis as unknown as Record<string, ScriptCommand>)[commandName(name)];
  if (command === undefined) throw new Error(`script ${name} is not registered`);
  return command.call(redis, ...keys, ...args);
}
