import { envelopeJson } from '../config/envelope.js';
import type { NsqPublisher } from '../nsq/publisher.js';
import type { DispatchContext } from './dispatch-batch.js';

/** The scheduler's publish step: one envelope v1 per change set, to `topic`. */
export function publishEnvelopes(publisher: NsqPublisher, topic: string): DispatchContext['publish'] {
  return (changeSets, sentAt) =>
    publisher.publish(
      topic,
      changeSets.map(({ item, seq, changes }) =>
        envelopeJson({ id: item.id, seq, effectiveAt: item.runAt, publishedAt: sentAt, changes }),
      ),
    );
}
