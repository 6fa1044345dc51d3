/** A small TTL cache of finished signals (the 5 minutes), keyed by symbol and signal time. */
import { systemClock, type Clock } from '../../core/time.ts';

/** Cache of values for `ttlMs` on an injectable clock, bounded in size (oldest dropped first). */
export class PredictionCache<T> {
  private readonly map = new Map<string, { at: number; value: T }>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly clock: Clock = systemClock,
    private readonly max = 5000,
  ) {}

  /** The value if stored less than ttlMs ago. */
  get(key: string): T | undefined {
    const e = this.map.get(key);
    if (e && this.clock.now() - e.at < this.ttlMs) {
      this.hits++;
      return e.value;
    }
    if (e) this.map.delete(key);
    this.misses++;
    return undefined;
  }

  set(key: string, value: T): void {
    this.map.delete(key);
    this.map.set(key, { at: this.clock.now(), value });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  clear(): void {
    this.map.clear();
  }
}
