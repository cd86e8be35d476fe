import { parseArgs, type ParseArgsConfig } from 'node:util';
import { redactUrls } from '../redis/redact.js';
import { UsageError } from './usage.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
const COMMON_OPTIONS = {
  redis: { type: 'string' },
  nsqd: { type: 'string' },
  prefix: { type: 'string' },
  topic: { type: 'string' },
  'history-limit': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

type Parsed<O extends OptionsConfig> = ReturnType<
  typeof parseArgs<{
    args: string[];
    options: typeof COMMON_OPTIONS & O;
    allowPositionals: true;
    strict: true;
  }>
>;

export type CommonValues = Parsed<Record<never, never>>['values'];

/** What a command takes besides flags: nothing, any number of words, or one word (named in errors). */
export type Positionals = 'none' | 'many' | { one: string };

/** Strict parse of a command's words: its own options plus the common ones; unknown flags are usage errors. */
export function parseCommand<O extends OptionsConfig>(
  argv: string[],
  options: O,
  positionals: Positionals = 'none',
): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's text goes on about '--'; its first sentence is what went wrong.
    throw new UsageError((error as Error).message.split('. ')[0]!);
  }
  const words = parsed.positionals;
  if (typeof positionals === 'object' && words.length === 0)
    throw new UsageError(`missing ${positionals.one}`);
  const max = positionals === 'many' ? Infinity : positionals === 'none' ? 0 : 1;
  if (words.length > max) throw new UsageError(`unexpected argument "${words[max]}"`);
  return parsed;
}

export interface ConnectionSettings {
  redisUrl: string;
  nsqd: string[];
  prefix: string;
  topic: string;
  /** The scheduler's historyLimit; undefined leaves the library's default. */
  historyLimit: number | undefined;
}

const NSQD_ADDRESS = /^[^\s:/,]+:\d{1,5}$/;

/** Each setting from its flag, else its environment variable, else the default. */
export function connectionSettings(values: CommonValues, env = process.env): ConnectionSettings {
  const redisUrl = values.redis ?? env.HOTCONF_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\/\S+$/.test(redisUrl) || !URL.canParse(redisUrl)) {
    throw new UsageError(`--redis must be a redis:// or rediss:// URL (got "${redactUrls(redisUrl)}")`);
  }
  const nsqd = (values.nsqd ?? env.HOTCONF_NSQD ?? '127.0.0.1:4150').split(',').map((part) => part.trim());
  const badAddress = nsqd.find((address) => !NSQD_ADDRESS.test(address));
  if (badAddress !== undefined) {
    throw new UsageError(`--nsqd takes host:port addresses separated by commas (got "${badAddress}")`);
  }
  return {
    redisUrl,
    nsqd,
    prefix: values.prefix ?? env.HOTCONF_PREFIX ?? 'hotconf',
    topic: values.topic ?? env.HOTCONF_TOPIC ?? 'hotconf.changes',
    historyLimit: historyLimit(values['history-limit'] ?? env.HOTCONF_HISTORY_LIMIT),
  };
}

/**
 * A deployment that runs with another historyLimit must give the CLI the same one: a change scheduled
 * with the default would trim its history to 10,000 entries, or record history where it is off.
 */
function historyLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) {
    throw new UsageError(
      `--history-limit takes a whole number of entries, 0 for no history (got ${JSON.stringify(text)})`,
    );
  }
  return Number(text);
}
