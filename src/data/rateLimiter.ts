import type { Clock } from '../core/time.ts';
import { systemClock } from '../core/time.ts';
import { realSleep, type Sleep } from './retry.ts';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Requests allowed per `perMs` window on average. */
  limit: number;
  /** Window length in ms (default 60 s). */
  perMs?: number;
  /** Bucket size (default `limit`): how many may go at once after a quiet spell. */
  burst?: number;
  clock?: Clock;
  sleep?: Sleep;
}

/** A token bucket: `take()` resolves when a request may go, spacing calls to the provider's published limit. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: RateLimiterOptions) {
    if (!(opts.limit > 0)) throw new RangeError(`rate limit must be positive, got ${opts.limit}`);
    this.rate = opts.limit / (opts.perMs ?? 60_000);
    this.burst = opts.burst ?? opts.limit;
    this.tokens = this.burst;
    this.clock = opts.clock ?? systemClock;
    this.sleep = opts.sleep ?? realSleep;
    this.last = this.clock.now();
  }

  /** Wait for one token; callers are served in order. */
  take(): Promise<void> {
    const next = this.queue.then(() => this.acquire());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.rate);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil((1 - this.tokens) / this.rate));
    }
  }
}
