import { ErrorCode, isTradepilotError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';

/** Waits `ms`; injectable so tests run without real delays. */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First delay in ms (default 250); doubles each attempt. */
  baseMs?: number;
  /** Largest delay in ms (default 10 s). */
  maxMs?: number;
  sleep?: Sleep;
  /** Source of jitter; Math.random when absent. */
  rng?: Pick<Rng, 'next'>;
  /** Which errors are worth another try (default: network failures and rate limits). */
  retryable?: (err: unknown) => boolean;
  /** Called before each wait (for logs). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Network failures, 429 and 5xx are transient; bad requests and auth failures are not. */
export function isTransient(err: unknown): boolean {
  if (isTradepilotError(err)) return err.code === ErrorCode.NETWORK || err.code === ErrorCode.RATE_LIMITED;
  return false;
}

/** Delay before retry `attempt` (1-based): full jitter over an exponential ceiling (AWS "full jitter"). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, u: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (u * ceiling) / 2);
}

/** Run `fn`, retrying transient failures with exponential backoff and jitter. Rethrows the last error. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const retries = opts.retries ?? 4;
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 10_000;
  const sleep = opts.sleep ?? realSleep;
  const retryable = opts.retryable ?? isTransient;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= retries || !retryable(err)) throw err;
      const retryAfter = isTradepilotError(err) && typeof err.details?.retryAfterMs === 'number' ? err.details.retryAfterMs : 0;
      const delay = Math.max(retryAfter, backoffDelay(attempt + 1, base, max, opts.rng ? opts.rng.next() : Math.random()));
      opts.onRetry?.(err, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
