import fc from 'fast-check';
import { createDelayQueue } from 'hotconf';
import { describe, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { emptyModel, MAX_ATTEMPTS, queueCommands, type RealQueues } from './delay-queue-model.js';
import { propertyRuns, propertyTimeoutMs } from './runs.js';

// Random sequences of schedule (generated, fixed and repeated ids), claim (minute-long and 1 ms
// leases), ack, extend, requeue (now and later), reap, cancel and reschedule with current, stale and
// never-issued tokens, run against a real redis-server and checked after every step against the model:
// each item in exactly one state, fencing, claim order, attempts, dead after MAX_ATTEMPTS.
const RUNS = propertyRuns(50);

describe('delay queue against its model', () => {
  const services = useServices();

  it(
    'agrees with the model on every step of random command sequences',
    async () => {
      const redis = connectRedis(services.redis.url);
      await fc.assert(
        fc.asyncProperty(fc.commands(queueCommands, { maxCommands: 60, size: 'max' }), async (commands) => {
          const prefix = uniquePrefix('model');
          const real: RealQueues = {
            queue: createDelayQueue({ redis, prefix, leaseMs: 60_000, maxAttempts: MAX_ATTEMPTS }),
            shortLease: createDelayQueue({ redis, prefix, leaseMs: 1, maxAttempts: MAX_ATTEMPTS }),
          };
          await fc.asyncModelRun(() => ({ model: emptyModel(), real }), commands);
        }),
        { numRuns: RUNS },
      );
    },
    propertyTimeoutMs(RUNS, 100),
  );
});
