import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { serviceBinaries } from './binaries.js';
import { ManagedProcess } from './managed-process.js';

/**
 * Private redis-server, nsqd and nsqlookupd for tests, bench and demo: each on free loopback ports with
 * a temp dir of its own, so a fault test may kill and restart it. REDIS_URL / NSQD_TCP_ADDRESS point at
 * running services instead (then they cannot be stopped), unless `private: true` asks for a new one.
 */
export interface ManagedService {
  /** True when REDIS_URL / NSQD_TCP_ADDRESS named a running service: stop, kill and restart throw. */
  readonly external: boolean;
  /** (Re)starts on the same ports and dir; resolves when it accepts connections. */
  start(): Promise<void>;
  /** SIGTERM; resolves when the process exited. */
  stop(): Promise<void>;
  /** SIGKILL; resolves when the process exited. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** SIGSTOP (true) or SIGCONT (false): it keeps its connections and answers nothing (a hung server). */
  pause(paused: boolean): void;
  /** Kills it if running and removes its temp dir; safe to call twice. */
  dispose(): Promise<void>;
}

export interface RedisServer extends ManagedService {
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

export interface Nsqd extends ManagedService {
  readonly tcpAddress: string;
  readonly httpAddress: string;
  readonly tcpPort: number;
  readonly httpPort: number;
}

export interface Nsqlookupd {
  readonly tcpAddress: string;
  readonly httpAddress: string;
  dispose(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startRedisServer(
  options: { private?: boolean; args?: readonly string[] } = {},
): Promise<RedisServer> {
  const external = process.env.REDIS_URL;
  if (external && !options.private) {
    const { hostname, port } = new URL(external);
    return { ...externalService('redis-server'), url: external, host: hostname, port: Number(port || 6379) };
  }
  const { port } = await freePorts('port');
  const dir = await mkdtemp(join(tmpdir(), 'hotconf-redis-'));
  const args = [
    ...['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    ...(options.args ?? []),
  ];
  const server = new ManagedProcess('redis-server', serviceBinaries().redisServer, args, () =>
    redisAnswers(port),
  );
  await server.start();
  return { ...privateService(server, dir), url: `redis://${HOST}:${port}`, host: HOST, port };
}

export interface RedisCluster {
  /** One address per master, for ioredis' `new Cluster(nodes)`. */
  readonly nodes: { host: string; port: number }[];
  dispose(): Promise<void>;
}

/**
 * A Redis Cluster of `masters` private redis-servers, the 16,384 slots split evenly between them. Formed
 * with CLUSTER ADDSLOTSRANGE and CLUSTER MEET, so it needs no redis-cli.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const servers = await Promise.all(
    Array.from({ length: masters }, () =>
      startRedisServer({ private: true, args: ['--cluster-enabled', 'yes'] }),
    ),
  );
  const admins = servers.map((server) => new Redis(server.url));
  try {
    const width = Math.ceil(16_384 / masters);
    await Promise.all(
      admins.map((admin, index) =>
        admin.call('CLUSTER', 'ADDSLOTSRANGE', index * width, Math.min(16_383, (index + 1) * width - 1)),
      ),
    );
    await Promise.all(
      servers.slice(1).map((server) => admins[0]!.call('CLUSTER', 'MEET', HOST, server.port)),
    );
    const deadline = Date.now() + 10_000;
    while (!(await Promise.all(admins.map(clusterIsOk))).every(Boolean)) {
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not reach cluster_state:ok in 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    admins.forEach((admin) => admin.disconnect());
  }
  return {
    nodes: servers.map((server) => ({ host: server.host, port: server.port })),
    dispose: async () => {
      await Promise.all(servers.map((server) => server.dispose()));
    },
  };
}

async function clusterIsOk(admin: Redis): Promise<boolean> {
  const info = (await admin.call('CLUSTER', 'INFO')) as string;
  return info.includes('cluster_state:ok');
}

export async function startNsqd(
  options: { private?: boolean; args?: readonly string[] } = {},
): Promise<Nsqd> {
  const external = process.env.NSQD_TCP_ADDRESS;
  if (external && !options.private) {
    const [host, tcpPort] = hostAndPort(external);
    const httpAddress = process.env.NSQD_HTTP_ADDRESS ?? `${host}:${tcpPort + 1}`;
    const [, httpPort] = hostAndPort(httpAddress);
    return { ...externalService('nsqd'), tcpAddress: external, httpAddress, tcpPort, httpPort };
  }
  const { tcpPort, httpPort } = await freePorts('tcpPort', 'httpPort');
  const dir = await mkdtemp(join(tmpdir(), 'hotconf-nsqd-'));
  const args = [
    `--tcp-address=${HOST}:${tcpPort}`,
    `--http-address=${HOST}:${httpPort}`,
    `--broadcast-address=${HOST}`,
    `--data-path=${dir}`,
    ...(options.args ?? []),
  ];
  const httpAddress = `${HOST}:${httpPort}`;
  const server = new ManagedProcess('nsqd', serviceBinaries().nsqd, args, () => httpPingAnswers(httpAddress));
  await server.start();
  return {
    ...privateService(server, dir),
    tcpAddress: `${HOST}:${tcpPort}`,
    httpAddress,
    tcpPort,
    httpPort,
  };
}

export async function startNsqlookupd(): Promise<Nsqlookupd> {
  const { tcpPort, httpPort } = await freePorts('tcpPort', 'httpPort');
  const httpAddress = `${HOST}:${httpPort}`;
  const args = [
    `--tcp-address=${HOST}:${tcpPort}`,
    `--http-address=${httpAddress}`,
    `--broadcast-address=${HOST}`,
  ];
  const server = new ManagedProcess('nsqlookupd', serviceBinaries().nsqlookupd, args, () =>
    httpPingAnswers(httpAddress),
  );
  await server.start();
  return { tcpAddress: `${HOST}:${tcpPort}`, httpAddress, dispose: () => server.kill() };
}

function privateService(server: ManagedProcess, dir: string): ManagedService {
  return {
    external: false,
    start: () => server.start(),
    stop: () => server.stop(),
    kill: () => server.kill(),
    pause: (paused) => server.pause(paused),
    restart: async () => {
      await server.stop();
      await server.start();
    },
    dispose: async () => {
      // SIGKILL rather than SIGTERM: nothing is kept, and it cannot hang on a server a test paused.
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function externalService(name: string): ManagedService {
  const refuse = (): Promise<void> =>
    Promise.reject(
      new Error(`${name} is external (set by the environment): a test cannot stop or restart it`),
    );
  return {
    external: true,
    start: refuse,
    stop: refuse,
    kill: refuse,
    restart: refuse,
    pause: () => {
      throw new Error(`${name} is external (set by the environment): a test cannot pause it`);
    },
    dispose: async () => {},
  };
}

/** A free loopback port per name (bound to port 0); all are held open until every one is known, so they differ. */
async function freePorts<Name extends string>(...names: Name[]): Promise<Record<Name, number>> {
  const listeners = names.map((name) => ({ name, server: createServer().listen(0, HOST) }));
  await Promise.all(listeners.map(({ server }) => once(server, 'listening')));
  const ports = Object.fromEntries(
    listeners.map(({ name, server }) => [name, (server.address() as AddressInfo).port]),
  );
  await Promise.all(listeners.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  return ports as Record<Name, number>;
}

function hostAndPort(address: string): [string, number] {
  const separator = address.lastIndexOf(':');
  return [address.slice(0, separator), Number(address.slice(separator + 1))];
}

async function redisAnswers(port: number): Promise<boolean> {
  const probe = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } finally {
    probe.disconnect();
  }
}

async function httpPingAnswers(httpAddress: string): Promise<boolean> {
  const response = await fetch(`http://${httpAddress}/ping`);
  return response.ok;
}
