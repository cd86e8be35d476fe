import type { NormalizedChange } from '../config/changes.js';
import { parseEnvelope } from '../config/envelope.js';
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

/** Turns the scheduler's envelopes into the recipe's bodies, and checks a change set fits them. */
export interface LegacyPublishing {
  readonly topic: string;
  /** One body per change of every envelope, in version order; deletes as `deletedValue` says. */
  bodies(envelopes: readonly string[]): string[];
  /** Publishes the recipe bodies of these envelopes with `send` (nothing when every change was a skipped delete). */
  publish(send: PublishFunction, envelopes: readonly string[]): Promise<void>;
  /** E_PAYLOAD_TOO_LARGE when one of the change set's recipe bodies would exceed `maxMessageBytes`. */
  assertFits(changes: readonly NormalizedChange[], maxMessageBytes: number): void;
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
  const bodies = (envelopes: readonly string[]): string[] => {
    const changeSets = envelopes
      .map((envelope) => parseEnvelope(envelope))
      .sort((a, b) => a.effectiveAt - b.effectiveAt || a.seq - b.seq);
    const messages: string[] = [];
    for (const { changes } of changeSets) {
      for (const change of changes) {
        const valueJson = 'deleted' in change ? deletedJson : JSON.stringify(change.value);
        if (valueJson !== null) messages.push(recipeBody(change.key, valueJson));
      }
    }
    return messages;
  };
  return {
    topic,
    bodies,
    publish: async (send, envelopes) => {
      const messages = bodies(envelopes);
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
