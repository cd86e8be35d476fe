import type { NormalizedChange } from '../config/changes.js';
import { HotconfError, invalidArgument } from '../errors.js';
import { assertTopicName } from '../nsq/names.js';

/** `createScheduler({ legacy })`: also publish the recipe's `{"key","value"}` bodies for its Go consumers. */
export interface LegacyOptions {
  /** NSQ topic the recipe's consumers read, e.g. `config_push`. */
  topic: string;
  /**
   * What a delete becomes (the recipe has no deletes): absent, deletes are not sent to the legacy topic;
   * a string, they are sent as `{"key":…,"value":<that string>}` (e.g. `''`).
   */
  deletedValue?: string;
}

/** Publishes the recipe's bodies of the change sets the scheduler publishes, and checks a change set fits them. */
export interface LegacyPublishing {
  /** Publishes one body per change of these change sets, in version order, with `send` (none for skipped deletes). */
  publish(send: PublishFunction, changeSets: readonly LegacyChangeSet[]): Promise<void>;
  /** E_PAYLOAD_TOO_LARGE when one of the change set's recipe bodies would exceed `maxMessageBytes`. */
  assertFits(changes: readonly NormalizedChange[], maxMessageBytes: number): void;
}

/** A claimed change set as the scheduler publishes it (its version is `(item.runAt, seq)`). */
export interface LegacyChangeSet {
  item: { runAt: number };
  seq: number;
  changes: readonly NormalizedChange[];
}

export type PublishFunction = (topic: string, messages: readonly string[]) => Promise<void>;

/** Validates the `legacy` option (E_INVALID_ARGUMENT) before the scheduler does anything. */
export function legacyPublishing(options: unknown, envelopeTopic: string): LegacyPublishing {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('legacy must be { topic, deletedValue? }');
  }
  const { topic, deletedValue } = options as Partial<LegacyOptions>;
  assertTopicName(topic);
  if (topic === envelopeTopic) {
    throw invalidArgument(`legacy.topic must differ from topic (both are "${topic}")`);
  }
  if (deletedValue !== undefined && typeof deletedValue !== 'string') {
    throw invalidArgument(`legacy.deletedValue must be a string when given (got ${typeof deletedValue})`);
  }
  const deletedJson = deletedValue === undefined ? null : JSON.stringify(deletedValue);
  const bodies = (changeSets: readonly LegacyChangeSet[]): string[] => {
    const messages: string[] = [];
    const inVersionOrder = [...changeSets].sort((a, b) => a.item.runAt - b.item.runAt || a.seq - b.seq);
    for (const { changes } of inVersionOrder) {
      for (const { key, valueJson } of changes) {
        const json = valueJson ?? deletedJson;
        if (json !== null) messages.push(recipeBody(key, json));
      }
    }
    return messages;
  };
  return {
    publish: async (send, changeSets) => {
      const messages = bodies(changeSets);
      if (messages.length > 0) await send(topic, messages);
    },
    assertFits: (changes, maxMessageBytes) => {
      for (const change of changes) {
        const valueJson = change.valueJson ?? deletedJson;
        if (valueJson === null) continue;
        const bytes = Buffer.byteLength(recipeBody(change.key, valueJson));
        if (bytes > maxMessageBytes) {
          throw new HotconfError(
            'E_PAYLOAD_TOO_LARGE',
            `key "${change.key}" makes a ${bytes}-byte legacy message; the limit is ${maxMessageBytes} bytes`,
          );
        }
      }
    },
  };
}

/**
 * The recipe's body, from the value's JSON. Its Go consumers decode `Value` into a string: a string value
 * (a JSON string literal) is sent as it is, any other JSON value as its JSON text (`100` -> `"100"`).
 */
function recipeBody(key: string, valueJson: string): string {
  const value = valueJson.startsWith('"') ? valueJson : JSON.stringify(valueJson);
  return `{"key":${JSON.stringify(key)},"value":${value}}`;
}
