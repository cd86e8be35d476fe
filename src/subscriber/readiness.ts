import { HotconfError } from '../errors.js';

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * What `ready()` waits for: the first config in memory. Until then the latest start attempt may have
 * failed (validate refused every config available): waiters are told at once and later calls too, until
 * a later attempt succeeds. Once ready it stays ready; once closed it stays closed.
 */
export class Readiness {
  private outcome: { ready: true } | { ready: false; error: Error; final: boolean } | undefined;
  private readonly waiters = new Set<Waiter>();

  get isReady(): boolean {
    return this.outcome?.ready === true;
  }

  markReady(): void {
    if (this.outcome && (this.outcome.ready || this.outcome.final)) return;
    this.outcome = { ready: true };
    for (const waiter of this.drain()) waiter.resolve();
  }

  /** The latest start attempt failed with `error`; a later `markReady()` still makes it ready. */
  markFailed(error: Error): void {
    if (this.isReady || (this.outcome && !this.outcome.ready && this.outcome.final)) return;
    this.outcome = { ready: false, error, final: false };
    for (const waiter of this.drain()) waiter.reject(error);
  }

  /** For good: every wait from now on rejects with `error`. */
  close(error: Error): void {
    this.outcome = { ready: false, error, final: true };
    for (const waiter of this.drain()) waiter.reject(error);
  }

  /** Resolves when ready; rejects with the latest failure, or E_TIMEOUT (`message`) after `timeoutMs`. */
  wait(timeoutMs: number, message: string): Promise<void> {
    if (this.outcome?.ready) return Promise.resolve();
    if (this.outcome) return Promise.reject(this.outcome.error);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new HotconfError('E_TIMEOUT', message));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      this.waiters.add(waiter);
    });
  }

  private drain(): Waiter[] {
    const waiters = [...this.waiters];
    this.waiters.clear();
    return waiters;
  }
}
