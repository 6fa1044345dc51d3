/** UTC time helpers. Timestamps inside tradepilot are epoch milliseconds (UTC) held in numbers. */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** Supported bar intervals, finest first. */
export const Timeframes = ['1m', '5m', '30m', '1h', '6h', '1d'] as const;
export type Timeframe = (typeof Timeframes)[number];

/** Length of one bar of the timeframe in minutes (1d counted as one session day). */
export const TIMEFRAME_MINUTES: Readonly<Record<Timeframe, number>> = {
  '1m': 1,
  '5m': 5,
  '30m': 30,
  '1h': 60,
  '6h': 360,
  '1d': 1440,
};

export function isTimeframe(s: string): s is Timeframe {
  return (Timeframes as readonly string[]).includes(s);
}

/** ISO-8601 UTC string of an epoch-ms timestamp; a date alone when it falls on midnight and `dateOnly` allows. */
export function toIso(ms: number, dateOnly = false): string {
  const s = new Date(ms).toISOString();
  return dateOnly && s.endsWith('T00:00:00.000Z') ? s.slice(0, 10) : s;
}

/** YYYY-MM-DD of the UTC day of `ms`. */
export function toIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Start of the UTC day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parse a timestamp cell: ISO date, ISO date-time (zone-less means UTC), or epoch
 * seconds / milliseconds (told apart by magnitude). Returns NaN when it is none of these.
 */
export function parseTimestamp(raw: string): number {
  const s = raw.trim();
  if (s.length === 0) return NaN;
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45) {
    let m = ISO_DATE.exec(s);
    if (m) return checkedUtc(+m[1]!, +m[2]!, +m[3]!, 0, 0, 0, 0);
    m = ISO_DATETIME.exec(s);
    if (m) {
      const frac = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
      let t = checkedUtc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, frac);
      const z = m[8];
      if (z && z !== 'Z') {
        const sign = z[0] === '-' ? -1 : 1;
        const digits = z.slice(1).replace(':', '');
        t -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * MS_PER_MINUTE;
      }
      return t;
    }
    if (/^-?\d+(\.\d+)?$/.test(s)) return epochToMs(Number(s));
  }
  return NaN;
}

/** Epoch number to milliseconds: values below 1e11 are seconds (dates before 5138 AD). */
export function epochToMs(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  return Math.abs(x) < 1e11 ? Math.round(x * 1000) : Math.round(x);
}

function checkedUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Reject 2021-02-30 and the like, which Date.UTC would roll over.
  return new Date(t).getUTCDate() === d ? t : NaN;
}

const offsetCache = new Map<number, number>();
const nyFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * Offset of America/New_York from UTC in minutes (-300 or -240) at noon UTC of the
 * day containing `ms`. US DST switches at 02:00 local, outside the 09:30-16:00
 * session, so one value per day is exact for session times. Cached per day.
 */
export function nyOffsetMinutes(ms: number): number {
  const day = Math.floor(ms / MS_PER_DAY);
  let off = offsetCache.get(day);
  if (off === undefined) {
    const noon = day * MS_PER_DAY + 12 * MS_PER_HOUR;
    const parts = nyFormat.formatToParts(new Date(noon));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
    off = Math.round((local - noon) / MS_PER_MINUTE);
    offsetCache.set(day, off);
  }
  return off;
}

/** UTC epoch ms of a New York wall-clock time on the given New York calendar date. */
export function nyWallToUtc(year: number, month: number, day: number, hour: number, minute: number): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  return asUtc - nyOffsetMinutes(asUtc) * MS_PER_MINUTE;
}

/** US equity regular session of a New York calendar date: [open, close) in UTC ms. */
export function usSession(year: number, month: number, day: number): { open: number; close: number } {
  return { open: nyWallToUtc(year, month, day, 9, 30), close: nyWallToUtc(year, month, day, 16, 0) };
}

/** A clock: wall time in live runs, simulated time in backtests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (backtests, tests). */
export class SimulatedClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    if (t < this.t) throw new RangeError(`simulated clock cannot go back from ${toIso(this.t)} to ${toIso(t)}`);
    this.t = t;
  }
  advance(ms: number): void {
    this.set(this.t + ms);
  }
}
