import { allocSeries, type BarSeries } from '../core/bar.ts';
import { Rng } from '../core/rng.ts';
import { MS_PER_DAY, MS_PER_MINUTE, usSession } from '../core/time.ts';

/** Market regimes of the mock generator: daily drift and a volatility multiplier each. */
export const MOCK_REGIMES = [
  { name: 'bull', drift: 0.0007, vol: 0.8, stay: 0.985 },
  { name: 'bear', drift: -0.0009, vol: 1.5, stay: 0.97 },
  { name: 'sideways', drift: 0, vol: 0.9, stay: 0.98 },
] as const;

/** Every mock daily series starts here, whatever range is asked for, so a date's bar never depends on the request. */
export const MOCK_EPOCH = Date.UTC(2000, 0, 3);

/** GARCH(1,1) persistence of the generator (alpha + beta = 0.97). */
const ALPHA = 0.08;
const BETA = 0.89;
/** Long-run annual volatility before the regime multiplier. */
const ANNUAL_VOL = 0.22;
const JUMP_PROB = 0.012;

/** FNV-1a hash of a string, to derive a per-symbol stream from one seed. */
export function hash32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** True for Monday-Friday (no holiday calendar: the mock market trades every weekday). */
export function isWeekday(dayNumber: number): boolean {
  const dow = (dayNumber + 4) % 7; // 1970-01-01 was a Thursday (4)
  return dow >= 1 && dow <= 5;
}

/** The regime index of each daily bar, in the order generated (exposed for tests and research). */
export interface MockDaily {
  series: BarSeries;
  regime: Uint8Array;
}

/**
 * Daily bars (stamped at UTC midnight of the date) from MOCK_EPOCH up to `end`:
 * Markov-switching regimes (bull/bear/sideways), GARCH(1,1) volatility with
 * Student-t shocks, rare jumps, overnight gaps, consistent OHLC, and volume that
 * rises with the size of the move. Reproducible from (seed, symbol).
 */
export function mockDailyFull(symbol: string, seed: number, end: number): MockDaily {
  const first = Math.floor(MOCK_EPOCH / MS_PER_DAY);
  const last = Math.floor(end / MS_PER_DAY);
  let n = 0;
  for (let d = first; d <= last; d++) if (isWeekday(d)) n++;
  const s = allocSeries(symbol, '1d', n);
  const regime = new Uint8Array(n);
  const rng = new Rng(hash32(symbol, seed));
  const base = 0.2 / Math.sqrt(252);
  const longVar = (ANNUAL_VOL * ANNUAL_VOL) / 252;
  let h = longVar;
  let eps = 0;
  let r = rng.int(3);
  let prev = 20 + 180 * rng.next();
  const volBase = 2e5 + 5e6 * rng.next();
  let i = 0;
  for (let d = first; d <= last; d++) {
    if (!isWeekday(d)) continue;
    if (rng.next() > MOCK_REGIMES[r]!.stay) r = (r + 1 + rng.int(2)) % 3;
    const reg = MOCK_REGIMES[r]!;
    const target = longVar * reg.vol * reg.vol;
    h = target * (1 - ALPHA - BETA) + ALPHA * eps * eps + BETA * h;
    const sd = Math.sqrt(h);
    eps = sd * rng.studentT(5);
    let ret = reg.drift + eps;
    if (rng.next() < JUMP_PROB) ret += (rng.next() < 0.6 ? -1 : 1) * (0.03 + 0.05 * rng.next());
    const gap = 0.25 * sd * rng.normal();
    const open = prev * Math.exp(gap);
    const close = prev * Math.exp(ret);
    const hi = Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * 0.5 * sd);
    const lo = Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * 0.5 * sd);
    s.time[i] = d * MS_PER_DAY;
    s.open[i] = open;
    s.high[i] = hi;
    s.low[i] = lo;
    s.close[i] = close;
    s.volume[i] = Math.round(volBase * Math.exp(0.3 * rng.normal()) * (1 + Math.abs(ret) / base));
    regime[i] = r;
    prev = close;
    i++;
  }
  return { series: s, regime };
}

/** Relative volatility by minute of the session: the U shape of US equities (busy open and close). */
function intradayVolShape(minute: number): number {
  const x = minute / 390;
  return 0.7 + 3.2 * (x - 0.5) * (x - 0.5) + (minute < 15 ? 0.8 : 0);
}

/**
 * 1-minute bars (stamped at close, 09:31 ... 16:00 New York) for every weekday session
 * whose date lies in [start, end]. Each session starts from the mock daily close of the
 * day before and has its own stream derived from (seed, symbol, date), so a day's bars
 * never depend on the requested range. Intraday GARCH, U-shaped volatility and volume.
 */
export function mockMinutes(symbol: string, seed: number, start: number, end: number): BarSeries {
  const firstDay = Math.floor(start / MS_PER_DAY);
  const lastDay = Math.floor(end / MS_PER_DAY);
  const days: number[] = [];
  for (let d = firstDay; d <= lastDay; d++) if (isWeekday(d) && d * MS_PER_DAY >= MOCK_EPOCH) days.push(d);
  const daily = days.length > 0 ? mockDailyFull(symbol, seed, days[days.length - 1]! * MS_PER_DAY).series : undefined;
  const s = allocSeries(symbol, '1m', days.length * 390);
  const longVar = (ANNUAL_VOL * ANNUAL_VOL) / 252 / 390;
  let i = 0;
  let di = 0;
  for (const d of days) {
    // Previous daily close: the bar before day d in the daily series.
    while (di < daily!.time.length && daily!.time[di]! < d * MS_PER_DAY) di++;
    let price = di > 0 ? daily!.close[di - 1]! : daily!.open[0]!;
    const rng = new Rng(hash32(symbol, seed ^ Math.imul(d, 0x9e3779b1)));
    const date = new Date(d * MS_PER_DAY);
    const { open: sessionOpen } = usSession(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    let h = longVar;
    let eps = 0;
    const volBase = 500 + 5000 * rng.next();
    for (let m = 0; m < 390; m++) {
      const shape = intradayVolShape(m);
      h = longVar * shape * shape * (1 - ALPHA - BETA) + ALPHA * eps * eps + BETA * h;
      const sd = Math.sqrt(h);
      eps = sd * rng.normal();
      let ret = eps;
      if (rng.next() < 0.0005) ret += (rng.next() < 0.5 ? -1 : 1) * 0.005 * (1 + rng.next());
      const open = price;
      const close = price * Math.exp(ret);
      s.time[i] = sessionOpen + (m + 1) * MS_PER_MINUTE;
      s.open[i] = open;
      s.close[i] = close;
      s.high[i] = Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * 0.3 * sd);
      s.low[i] = Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * 0.3 * sd);
      s.volume[i] = Math.round(volBase * shape * shape * Math.exp(0.4 * rng.normal()));
      price = close;
      i++;
    }
  }
  return s;
}
