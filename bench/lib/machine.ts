import os from 'node:os';
import type { Redis } from 'ioredis';
import { nsqdVersion } from './nsqd-http.js';
import { round } from './stats.js';

export interface MachineInfo {
  os: string;
  cpuModel: string;
  cpus: number;
  totalMemoryGiB: number;
  node: string;
  redisServer: string;
  nsqd: string;
}

/** The machine and the versions the figures were measured on. */
export async function machineInfo(redis: Redis, nsqdHttpAddress: string): Promise<MachineInfo> {
  const serverInfo = await redis.info('server');
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemoryGiB: round(os.totalmem() / 2 ** 30),
    node: process.version,
    redisServer: /redis_version:(\S+)/.exec(serverInfo)?.[1] ?? 'unknown',
    nsqd: await nsqdVersion(nsqdHttpAddress),
  };
}
