import type { Redis } from 'ioredis';

/** What every phase is handed: the private services, the run's mode and an admin connection. */
export interface BenchContext {
  /** Smaller sizes and fewer variants; every figure is still measured. */
  readonly quick: boolean;
  /** Changes (or jobs) per throughput run, the same for hotconf end to end and for BullMQ. */
  readonly changes: number;
  readonly redisUrl: string;
  readonly nsqd: { readonly tcpAddress: string; readonly httpAddress: string };
  /** For FLUSHALL, INFO and the naive recipe's fill; phases open their own connections to measure. */
  readonly admin: Redis;
}
