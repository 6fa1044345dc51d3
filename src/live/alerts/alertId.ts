import { randomBytes } from 'node:crypto';

/** Random bytes drawn once per 409 ids: alert ids are made in hot loops, where a crypto call per id shows up. */
const POOL = 4096;
let pool = randomBytes(POOL);
let off = 0;

/**
 * A UUID v7 (RFC 9562: 48-bit ms time, version 7, variant 10, random rest)
 * for alerts, stamped with the bar's time so ids sort by bar.
 */
export function alertId(ms: number): string {
  if (off + 10 > POOL) {
    pool = randomBytes(POOL);
    off = 0;
  }
  const r = pool.toString('hex', off, off + 10);
  off += 10;
  const t = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const variant = ((parseInt(r[3]!, 16) & 0x3) | 0x8).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}
