/** Where a key stands in its current window. */
export interface RateVerdict {
  allowed: boolean;
  /** Requests left in this window after this one. */
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * Fixed-window request counters per key, in this process (the same policy as
 * @fastify/rate-limit's local store, which the server uses for Redis-shared
 * counters): every request counts, and the `max + 1`-th in a window is refused
 * until it resets. Synchronous and allocation-free for a known key: it runs
 * on every request. Expired windows are swept once per window, so the map
 * holds at most the keys seen in the last two windows.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private sweptAt = 0;

  constructor(private readonly windowMs: number) {}

  /** Count one request of `key` at `now` (epoch ms) against `max`. */
  hit(key: string, max: number, now: number): RateVerdict {
    if (now - this.sweptAt >= this.windowMs) this.sweep(now);
    let w = this.windows.get(key);
    if (w === undefined) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    } else if (now - w.start >= this.windowMs) {
      w.start = now;
      w.count = 0;
    }
    w.count++;
    return { allowed: w.count <= max, remaining: Math.max(0, max - w.count), resetSeconds: Math.ceil((w.start + this.windowMs - now) / 1000) };
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
