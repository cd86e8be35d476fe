import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { binariesFromEnvironment } from '../../local-services/binaries.js';
import { topicStats } from '../../local-services/nsqd-http.js';
import { collectMessages, createTopic, publishRaw } from '../helpers/nsq.js';
import { closeAllRedis, connectRedis } from '../helpers/redis.js';
import { startNsqd, startNsqlookupd, startRedisServer } from '../../local-services/services.js';

// Read at import, before any test here could run ensure-services.sh itself: what is set now was inherited.
const binariesInheritedFromGlobalSetup = binariesFromEnvironment();

const running: { dispose(): Promise<void> }[] = [];
async function started<Service extends { dispose(): Promise<void> }>(
  service: Promise<Service>,
): Promise<Service> {
  running.push(await service);
  return service;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  await closeAllRedis();
  await Promise.all(running.splice(0).map((service) => service.dispose()));
});

/** One PING on a fresh connection that does not retry, so a dead server fails it at once. */
async function ping(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await redis.ping();
  } finally {
    redis.disconnect();
  }
}

async function redisDir(url: string): Promise<string> {
  const [, dir] = (await connectRedis(url).config('GET', 'dir')) as [string, string];
  return dir;
}

async function nsqdDataPath(httpAddress: string): Promise<string> {
  const response = await fetch(`http://${httpAddress}/config/data_path`);
  return (await response.text()).trim();
}

describe('global setup', () => {
  it('hands the binary paths to test workers through the environment', () => {
    expect(binariesInheritedFromGlobalSetup).toEqual({
      redisServer: expect.stringMatching(/redis-server$/),
      nsqd: expect.stringMatching(/nsqd$/),
      nsqlookupd: expect.stringMatching(/nsqlookupd$/),
    });
  });
});

describe('startRedisServer', () => {
  it('starts a redis-server on a free loopback port that answers PING', async () => {
    const redis = await started(startRedisServer({ private: true }));
    expect(redis).toMatchObject({
      external: false,
      host: '127.0.0.1',
      url: `redis://127.0.0.1:${redis.port}`,
    });
    expect(await ping(redis.url)).toBe('PONG');
  });

  it('restarts on the same port with the data gone', async () => {
    const redis = await started(startRedisServer({ private: true }));
    const client = connectRedis(redis.url);
    await client.set('key', 'value');
    await redis.restart();
    expect(await client.get('key')).toBeNull(); // the same client reconnects: same port, empty server
  });

  it('makes connections fail after kill() until start() brings it back', async () => {
    const redis = await started(startRedisServer({ private: true }));
    await redis.kill();
    await expect(ping(redis.url)).rejects.toThrow();
    await redis.start();
    expect(await ping(redis.url)).toBe('PONG');
  });

  it('gives each server its own port and temp dir, which dispose() removes (twice is fine)', async () => {
    const [first, second] = await Promise.all([
      startRedisServer({ private: true }),
      startRedisServer({ private: true }),
    ]);
    expect(first.port).not.toBe(second.port);
    const dirs = [await redisDir(first.url), await redisDir(second.url)];
    expect(dirs[0]).not.toBe(dirs[1]);
    expect(dirs.every((dir) => existsSync(dir))).toBe(true);

    await Promise.all([first.dispose(), second.dispose()]);
    await first.dispose();
    expect(dirs.some((dir) => existsSync(dir))).toBe(false);
  });

  it('uses REDIS_URL unless private, and refuses to stop a server it did not start', async () => {
    const own = await started(startRedisServer({ private: true }));
    vi.stubEnv('REDIS_URL', own.url);

    const external = await startRedisServer();
    expect(external).toMatchObject({ external: true, url: own.url, port: own.port });
    await expect(external.stop()).rejects.toThrow(/external/);
    const another = await started(startRedisServer({ private: true }));
    expect(another.port).not.toBe(own.port);
  });
});

describe('startNsqd', () => {
  it('delivers a message published with publishRaw to collectMessages', async () => {
    const nsqd = await started(startNsqd({ private: true }));
    const consumer = await collectMessages(nsqd.tcpAddress, 'harness');
    await publishRaw(nsqd.httpAddress, 'harness', 'hello');
    await consumer.waitForCount(1, 2_000);
    expect(consumer.messages).toEqual(['hello']);
    await consumer.close();
  });

  it('restarts on the same ports as a new process', async () => {
    const nsqd = await started(startNsqd({ private: true }));
    await publishRaw(nsqd.httpAddress, 'harness', 'before');
    await nsqd.restart();

    const consumer = await collectMessages(nsqd.tcpAddress, 'harness');
    await publishRaw(nsqd.httpAddress, 'harness', 'after');
    await consumer.waitForCount(1, 2_000);
    expect(consumer.messages.at(-1)).toBe('after');
    expect((await topicStats(nsqd.httpAddress, 'harness'))?.messageCount).toBe(1); // counters restart
    await consumer.close();
  });

  it('gives each nsqd its own ports and data dir, which dispose() removes', async () => {
    const [first, second] = await Promise.all([startNsqd({ private: true }), startNsqd({ private: true })]);
    const ports = [first.tcpPort, first.httpPort, second.tcpPort, second.httpPort];
    expect(new Set(ports).size).toBe(4);
    const dataPath = await nsqdDataPath(first.httpAddress);
    expect(existsSync(dataPath)).toBe(true);

    await Promise.all([first.dispose(), second.dispose()]);
    expect(existsSync(dataPath)).toBe(false);
  });

  it('passes extra args, such as the address of an nsqlookupd', async () => {
    const lookupd = await started(startNsqlookupd());
    const nsqd = await started(
      startNsqd({ private: true, args: [`--lookupd-tcp-address=${lookupd.tcpAddress}`] }),
    );
    await createTopic(nsqd.httpAddress, 'harness');

    const lookup = `http://${lookupd.httpAddress}/lookup?topic=harness`;
    await vi.waitFor(async () => {
      const { producers } = (await (await fetch(lookup)).json()) as { producers: { tcp_port: number }[] };
      expect(producers.map((producer) => producer.tcp_port)).toEqual([nsqd.tcpPort]);
    });
  });
});

describe('a service', () => {
  it('dies with the process that started it, even when that process is SIGKILLed', async () => {
    const services = new URL('../../local-services/services.ts', import.meta.url).href;
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { startRedisServer } = await import(${JSON.stringify(services)});
         console.log((await startRedisServer({ private: true })).url);
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [output] = (await once(owner.stdout, 'data')) as [Buffer];
    const url = output.toString().trim();
    expect(await ping(url)).toBe('PONG');

    owner.kill('SIGKILL');
    await once(owner, 'exit');
    await sleep(200); // the kernel delivers the parent-death signal asynchronously
    await expect(ping(url)).rejects.toThrow();
  });
});
