import { hash } from 'node:crypto';
import type { Store } from '../adapters/store/store.ts';
import { alertGeneration } from '../live/alerts/alertGeneration.ts';

/** A finished GET /alerts page: the body as bytes and its entity tag. */
export interface CachedPage {
  body: Buffer;
  /** Strong ETag (quoted): a hash of the body. */
  etag: string;
}

/** What the alerts looked like when a page was read: it is served only while both still hold. */
export interface AlertStamp {
  /** {@link alertGeneration}: this process's writes. */
  gen: number;
  /** {@link Store.changeCounter}: other processes' commits (0 where unknown). */
  ver: number;
}

interface Entry extends CachedPage {
  stamp: AlertStamp;
  /** Epoch ms from which the page may differ without any write (an open alert on it expires). */
  staleAt: number;
}

export interface AlertPageCacheOptions {
  /** Bytes of page bodies kept; 0 turns the cache off. */
  maxBytes: number;
  /** Longest an entry is served when the store cannot report other processes' commits (PostgreSQL). */
  ttlMs: number;
}

/**
 * GET /alerts pages by normalised query, as bytes with their ETag. An entry
 * is served only while (1) no alert was saved or acknowledged in this process
 * since it was read (the alert generation), (2) no other connection has
 * committed to the SQLite file (its data_version; on PostgreSQL, which has no
 * cheap equivalent, entries live at most `ttlMs` instead), and (3) no alert
 * on it has passed its `valid_until` (open -> expired). Alerts are not scoped
 * per key (every role sees every alert), so the key is the query alone.
 * Concurrent misses of one query share one read.
 */
export class AlertPageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, { stamp: AlertStamp; page: Promise<CachedPage> }>();
  private bytes = 0;
  private readonly ttlMs: number;

  constructor(
    private readonly store: Store,
    private readonly opts: AlertPageCacheOptions,
  ) {
    this.ttlMs = store.changeCounter ? Number.POSITIVE_INFINITY : opts.ttlMs;
  }

  /** The state of the alerts now; take it before reading, so a write during the read makes the page stale. */
  stamp(): AlertStamp {
    return { gen: alertGeneration(this.store), ver: this.store.changeCounter?.() ?? 0 };
  }

  /**
   * The page of `key`: cached while still current at `now`, else `read`
   * (called with the stamp taken before it; it returns the body and when the
   * page goes stale by time alone).
   */
  async get(key: string, now: number, read: () => Promise<{ body: string; staleAt: number }>): Promise<CachedPage> {
    const stamp = this.stamp();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      if (same(hit.stamp, stamp) && now < hit.staleAt) return hit;
      this.drop(key, hit);
    }
    const inflight = this.pending.get(key);
    if (inflight !== undefined && same(inflight.stamp, stamp)) return inflight.page;
    const page = this.fill(key, stamp, now, read);
    this.pending.set(key, { stamp, page });
    try {
      return await page;
    } finally {
      if (this.pending.get(key)?.page === page) this.pending.delete(key);
    }
  }

  private async fill(key: string, stamp: AlertStamp, now: number, read: () => Promise<{ body: string; staleAt: number }>): Promise<CachedPage> {
    const { body: text, staleAt } = await read();
    const body = Buffer.from(text);
    const entry: Entry = { body, etag: `"${hash('sha1', body, 'base64url')}"`, stamp, staleAt: Math.min(staleAt, now + this.ttlMs) };
    if (this.opts.maxBytes > 0 && body.length <= this.opts.maxBytes / 4) {
      const old = this.entries.get(key);
      if (old !== undefined) this.drop(key, old);
      this.entries.set(key, entry);
      this.bytes += body.length;
      // Oldest first out (Map iteration is insertion order).
      for (const [k, e] of this.entries) {
        if (this.bytes <= this.opts.maxBytes) break;
        this.drop(k, e);
      }
    }
    return entry;
  }

  private drop(key: string, e: Entry): void {
    if (this.entries.get(key) === e) {
      this.entries.delete(key);
      this.bytes -= e.body.length;
    }
  }
}

function same(a: AlertStamp, b: AlertStamp): boolean {
  return a.gen === b.gen && a.ver === b.ver;
}

/** True when an `If-None-Match` header names `etag` (or is `*`); weak tags compare by their opaque part. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch === etag) return true;
  for (const t of ifNoneMatch.split(',')) {
    const tag = t.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}
