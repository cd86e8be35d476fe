import { execFileSync, spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * The project's Go program go/recipe-peer, which plays the recipe's Go consumer and admin with the real
 * go-nsq and go-redis clients. scripts/ensure-go-peer.sh builds it once per machine.
 */
const VARIABLE = 'HOTCONF_RECIPE_PEER_BIN';
const ENSURE_GO_PEER = fileURLToPath(new URL('../scripts/ensure-go-peer.sh', import.meta.url));
const READY_TIMEOUT_MS = 15_000;
// As local-services/managed-process.ts: the kernel kills the child when this process dies.
const DIE_WITH_PARENT = spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true']).status === 0;

/** Builds the Go program if needed (vitest's global setup calls this once) and exports its path. */
export function ensureRecipePeer(): string {
  const output = execFileSync('bash', [ENSURE_GO_PEER], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = /^recipe-peer=(.+)$/m.exec(output)?.[1];
  if (!path) throw new Error(`scripts/ensure-go-peer.sh printed no recipe-peer=PATH:\n${output}`);
  process.env[VARIABLE] = path;
  return path;
}

function recipePeerPath(): string {
  return process.env[VARIABLE] ?? ensureRecipePeer();
}

/** What the Go consumer decoded into `struct { Key string; Value string }`, and when (ms). */
export interface DecodedPush {
  Key: string;
  Value: string;
  decodedAtMs: number;
}

interface PeerProcess {
  child: ChildProcess;
  /** Every stdout line, parsed as JSON, in order. */
  lines: unknown[];
  stderr(): string;
}

async function startPeer(args: readonly string[], stdin: 'pipe' | 'ignore'): Promise<PeerProcess> {
  const path = recipePeerPath();
  const stdio: StdioOptions = [stdin, 'pipe', 'pipe'];
  const child: ChildProcess = DIE_WITH_PARENT
    ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', path, ...args], { stdio })
    : spawn(path, args, { stdio });
  const lines: unknown[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!/^ready$/m.test(stderr)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`recipe-peer ${args.join(' ')} did not get ready:\n${stderr}`);
    }
    await sleep(10);
  }
  return { child, lines, stderr: () => stderr };
}

async function stopPeer(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

export interface GoConsumer {
  /** Decoded messages in the order the consumer handled them. */
  readonly decoded: DecodedPush[];
  waitForCount(count: number, timeoutMs: number): Promise<void>;
  /** SIGTERM: go-nsq's graceful stop. */
  stop(): Promise<void>;
}

/** `recipe-peer consume`: resolves once connected to nsqd (the channel then exists). */
export async function startGoConsumer(options: {
  nsqd: string;
  topic: string;
  channel: string;
}): Promise<GoConsumer> {
  const { child, lines, stderr } = await startPeer(
    ['consume', '--topic', options.topic, '--channel', options.channel, '--nsqd', options.nsqd],
    'ignore',
  );
  const decoded = lines as DecodedPush[];
  return {
    decoded,
    async waitForCount(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (decoded.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`Go consumer decoded ${decoded.length} of ${count} messages\n${stderr()}`);
        }
        await sleep(10);
      }
    },
    stop: () => stopPeer(child, 'SIGTERM'),
  };
}

/** `recipe-peer admin zadd --stdin`: one Go process, one go-redis connection, ZADDs on demand. */
export interface GoAdmin {
  /** ZADDs the member; resolves with the time (ms) the Go admin sent the ZADD. */
  zadd(score: number | string, member: string): Promise<number>;
  close(): Promise<void>;
}

export async function startGoAdmin(options: { redis: string; key: string }): Promise<GoAdmin> {
  const { child, lines, stderr } = await startPeer(
    ['admin', 'zadd', '--redis', options.redis, '--key', options.key, '--stdin'],
    'pipe',
  );
  let sent = 0;
  return {
    async zadd(score, member) {
      if (member.includes('\n')) throw new Error('a member sent through --stdin cannot hold a newline');
      const index = sent++;
      child.stdin!.write(`${score} ${member}\n`);
      while (lines.length <= index) {
        if (child.exitCode !== null) throw new Error(`Go admin exited:\n${stderr()}`);
        await sleep(2);
      }
      return (lines[index] as { zaddAtMs: number }).zaddAtMs;
    },
    async close() {
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}

/** `recipe-peer admin zadd --score S MEMBER`: one Go process per ZADD, as an admin tool runs. */
export function goAdminZadd(options: {
  redis: string;
  key: string;
  score: number | string;
  member: string;
}): void {
  execFileSync(
    recipePeerPath(),
    [
      'admin',
      'zadd',
      '--redis',
      options.redis,
      '--key',
      options.key,
      '--score',
      String(options.score),
      options.member,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
