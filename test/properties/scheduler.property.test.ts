import fc from 'fast-check';
import { createScheduler, DelayQueue } from 'hotconf';
import { describe, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { propertyRuns, propertyTimeoutMs } from './runs.js';
import { emptySchedulerModel, schedulerCommands, type RealScheduler } from './scheduler-model.js';

// Random sequences of schedule (change sets with sets and deletes over three keys; generated, fixed and
// repeated ids), the scheduler's own claim (minute-long and 1 ms leases), ack, extend, requeue, reap,
// cancel and reschedule, on a real redis-server, checked after every step against the model: counts,
// pending(), the snapshot (per key the greatest version applied), versions kept through republish.
const RUNS = propertyRuns(40);

describe('scheduler prefix against its model', () => {
  const services = useServices();

  it(
    'agrees with the model on every step of random command sequences',
    async () => {
      const redis = connectRedis(services.redis.url);
      await fc.assert(
        fc.asyncProperty(
          fc.commands(schedulerCommands, { maxCommands: 60, size: 'max' }),
          async (commands) => {
            const prefix = uniquePrefix('scheduler-model');
            // The scheduler's claim, driven by hand as its loop would (as test/scheduler/admin-in-effect does).
            const claimer = (leaseMs: number): DelayQueue =>
              new DelayQueue({ redis, prefix, leaseMs, claimScript: 'claimChanges' } as never);
            const real: RealScheduler = {
              scheduler: createScheduler({ redis, topic: 'model', prefix }),
              claimer: claimer(60_000),
              shortClaimer: claimer(1),
            };
            await fc.asyncModelRun(() => ({ model: emptySchedulerModel(), real }), commands);
          },
        ),
        { numRuns: RUNS },
      );
    },
    propertyTimeoutMs(RUNS, 300),
  );
});
