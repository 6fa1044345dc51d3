import type { Store, EventRecord } from '../adapters/store/store.ts';

/** One follower of the audit trail. */
interface Subscriber {
  cursor: number;
  types: ReadonlySet<string> | null;
  prefixes: readonly string[];
  send: (e: EventRecord) => void;
}

/**
 * Tails the events table by sequence number for every live follower (SSE
 * streams of alerts, sweep and training progress) with one query per poll,
 * whatever the number of followers. Polling the table (rather than an
 * in-process emitter) also sees events other processes append.
 */
export class EventTail {
  private readonly subs = new Set<Subscriber>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly pollMs = 250,
    private readonly batch = 500,
  ) {}

  /** The newest sequence number (0 when the trail is empty). */
  async headSeq(): Promise<number> {
    const row = await this.store.db.selectFrom('events').select((eb) => eb.fn.max<number>('seq').as('m')).executeTakeFirst();
    return Number(row?.m ?? 0);
  }

  /**
   * Follow events after `afterSeq` (default: from now on). `types` entries
   * ending in `*` match by prefix (`sweep.*`). Returns the unsubscribe function.
   */
  async subscribe(opts: { afterSeq?: number; types?: readonly string[] }, send: (e: EventRecord) => void): Promise<() => void> {
    const cursor = opts.afterSeq ?? (await this.headSeq());
    const exact = (opts.types ?? []).filter((t) => !t.endsWith('*'));
    const prefixes = (opts.types ?? []).filter((t) => t.endsWith('*')).map((t) => t.slice(0, -1));
    const sub: Subscriber = { cursor, types: opts.types && opts.types.length > 0 ? new Set(exact) : null, prefixes, send };
    this.subs.add(sub);
    this.schedule(0);
    return () => {
      this.subs.delete(sub);
    };
  }

  get followers(): number {
    return this.subs.size;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.subs.clear();
  }

  /** One poll: read past the slowest follower and hand each follower what it has not seen. */
  async poll(): Promise<void> {
    if (this.busy || this.subs.size === 0) return;
    this.busy = true;
    try {
      for (let round = 0; round < 20; round++) {
        let from = Infinity;
        for (const s of this.subs) from = Math.min(from, s.cursor);
        if (!Number.isFinite(from)) return;
        const events = await this.store.events({ afterSeq: from, limit: this.batch, order: 'asc' });
        for (const e of events) {
          for (const s of this.subs) {
            if (e.seq <= s.cursor) continue;
            s.cursor = e.seq;
            if (s.types === null || s.types.has(e.type) || s.prefixes.some((p) => e.type.startsWith(p))) s.send(e);
          }
        }
        if (events.length < this.batch) return;
      }
    } finally {
      this.busy = false;
    }
  }

  private schedule(delay: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll()
        .catch(() => undefined)
        .finally(() => {
          if (this.subs.size > 0) this.schedule(this.pollMs);
        });
    }, delay);
    this.timer.unref();
  }
}
