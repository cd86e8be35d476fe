import { createConfigSubscriber, type ConfigSubscriber } from 'hotconf';
import type { BenchContext } from './context.js';

/** A config subscriber on the bench's nsqd (its HTTP address given, since the ports are not N and N+1). */
export function benchSubscriber(
  context: BenchContext,
  { topic, prefix, service }: { topic: string; prefix: string; service: string },
): ConfigSubscriber {
  return createConfigSubscriber({
    redis: context.redisUrl,
    nsqd: context.nsqd.tcpAddress,
    nsqdHttp: context.nsqd.httpAddress,
    topic,
    prefix,
    service,
  });
}
