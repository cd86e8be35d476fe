import { envelopeJson } from '../config/envelope.js';
import type { NsqPublisher } from '../nsq/publisher.js';
import type { LegacyPublishing } from '../recipe/legacy-publishing.js';
import type { DispatchContext } from './dispatch-batch.js';

/**
 * The scheduler's publish step: one envelope v1 per change set, to `topic`, and with legacy publishing
 * the recipe's bodies too; a batch counts as published once both topics have it.
 */
export function publishEnvelopes(
  publisher: NsqPublisher,
  topic: string,
  legacy: LegacyPublishing | undefined,
): DispatchContext['publish'] {
  const send = publisher.publish.bind(publisher);
  return async (changeSets, sentAt) => {
    const envelopes = changeSets.map(({ item, seq, changes }) =>
      envelopeJson({ id: item.id, seq, effectiveAt: item.runAt, publishedAt: sentAt, changes }),
    );
    await Promise.all([send(topic, envelopes), legacy?.publish(send, changeSets)]);
  };
}
