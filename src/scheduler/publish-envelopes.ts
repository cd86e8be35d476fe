import { envelopeJson } from '../config/envelope.js';
import type { NsqPublisher } from '../nsq/publisher.js';
import type { DispatchContext, OutgoingChangeSet } from './dispatch-batch.js';

/**
 * A second publish that every batch also waits for: the recipe's legacy bodies
 * (src/recipe/legacy-publishing.ts), wired in by the scheduler; declared here so this layer does not
 * import the one above it.
 */
export interface AlsoPublishing {
  publish(
    send: (topic: string, messages: readonly string[]) => Promise<void>,
    changeSets: readonly OutgoingChangeSet[],
  ): Promise<void>;
}

/**
 * The scheduler's publish step: one envelope v1 per change set, to `topic`, and with legacy publishing
 * the recipe's bodies too; a batch counts as published once both topics have it.
 */
export function publishEnvelopes(
  publisher: NsqPublisher,
  topic: string,
  legacy: AlsoPublishing | undefined,
): DispatchContext['publish'] {
  const send = publisher.publish.bind(publisher);
  return async (changeSets, sentAt) => {
    const envelopes = changeSets.map(({ item, seq, changes }) =>
      envelopeJson({ id: item.id, seq, effectiveAt: item.runAt, publishedAt: sentAt, changes }),
    );
    await Promise.all([send(topic, envelopes), legacy?.publish(send, changeSets)]);
  };
}
