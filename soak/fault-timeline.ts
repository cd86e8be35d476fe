import { setTimeout as sleep } from 'node:timers/promises';

/** Something the soak can SIGKILL and start again. */
export interface FaultTarget {
  name: string;
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface FaultRecord {
  target: string;
  /** ms since the soak began. */
  killedAt: number;
  downMs: number;
  /** ms since the soak began; when start() resolved. */
  backAt: number;
}

/**
 * SIGKILLs one target at a time, each down for a while, then started again from its own state (Redis
 * from its AOF, nsqd from its data dir, the processes afresh), round-robin over shuffled targets, one
 * fault every `everyMs` until `untilMs` after `beganAt`, then waits for `untilMs`. Bounded: at most
 * untilMs / everyMs faults.
 */
export async function runFaultTimeline(
  targets: readonly FaultTarget[],
  {
    beganAt,
    firstAtMs,
    everyMs,
    untilMs,
  }: { beganAt: number; firstAtMs: number; everyMs: number; untilMs: number },
  log: (line: string) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  const elapsed = (): number => Date.now() - beganAt;
  let order: FaultTarget[] = [];
  for (let at = firstAtMs; at + everyMs <= untilMs; at += everyMs) {
    if (order.length === 0) order = shuffled(targets);
    const target = order.pop()!;
    await sleep(Math.max(0, at - elapsed()));
    const downMs = 1_000 + Math.floor(Math.random() * 3_000);
    const killedAt = elapsed();
    await target.kill();
    log(`${(killedAt / 1000).toFixed(1)} s: SIGKILL ${target.name}, down ${downMs} ms`);
    await sleep(downMs);
    await target.start();
    records.push({ target: target.name, killedAt, downMs, backAt: elapsed() });
    log(`${(elapsed() / 1000).toFixed(1)} s: ${target.name} back`);
  }
  await sleep(Math.max(0, untilMs - elapsed())); // changes go on to the end of the timeline
  return records;
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
