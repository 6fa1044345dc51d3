import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocSeries, type BarSeries } from '../core/bar.ts';
import { MS_PER_HOUR, MS_PER_MINUTE, Timeframes, usSession, type Timeframe } from '../core/time.ts';
import { Rng } from '../core/rng.ts';
import { asOfJoin, resample } from './resample.ts';

/** 1-minute bars (stamped at close) for whole US sessions of the given NY dates, with random prices. */
function minuteBars(days: readonly [number, number, number][], seed = 1, keep: (i: number) => boolean = () => true): BarSeries {
  const rng = new Rng(seed);
  const times: number[] = [];
  for (const [y, m, d] of days) {
    const { open, close } = usSession(y, m, d);
    for (let t = open + MS_PER_MINUTE; t <= close; t += MS_PER_MINUTE) times.push(t);
  }
  const kept = times.filter((_, i) => keep(i));
  const s = allocSeries('T', '1m', kept.length);
  let p = 100;
  kept.forEach((t, i) => {
    const o = p;
    p *= Math.exp(rng.normal() * 0.001);
    s.time[i] = t;
    s.open[i] = o;
    s.close[i] = p;
    s.high[i] = Math.max(o, p) * (1 + rng.next() * 0.001);
    s.low[i] = Math.min(o, p) * (1 - rng.next() * 0.001);
    s.volume[i] = 1 + rng.int(1000);
  });
  return s;
}

const nyParts = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });

/** Naive reference: group by New York wall-clock bucket computed with Intl for every bar. */
function naive(s: BarSeries, to: Timeframe): { time: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] } {
  const mins = to === '1d' ? 390 : { '1m': 1, '5m': 5, '30m': 30, '1h': 60, '6h': 360 }[to];
  const groups = new Map<string, number[]>();
  const closeOf = new Map<string, number>();
  for (let i = 0; i < s.time.length; i++) {
    const start = s.time[i]! - MS_PER_MINUTE;
    const p = Object.fromEntries(nyParts.formatToParts(new Date(start)).map((x) => [x.type, x.value]));
    const minuteOfSession = Number(p.hour) * 60 + Number(p.minute) - 570;
    if (minuteOfSession < 0 || minuteOfSession >= 390) continue;
    const b = Math.floor(minuteOfSession / mins);
    const key = `${p.year}-${p.month}-${p.day}#${b}`;
    if (!groups.has(key)) {
      groups.set(key, []);
      const endMin = Math.min((b + 1) * mins, 390);
      const sessionOpen = usSession(Number(p.year), Number(p.month), Number(p.day)).open;
      closeOf.set(key, sessionOpen + endMin * MS_PER_MINUTE);
    }
    groups.get(key)!.push(i);
  }
  const r = { time: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[], volume: [] as number[] };
  for (const [key, idx] of groups) {
    r.time.push(closeOf.get(key)!);
    r.open.push(s.open[idx[0]!]!);
    r.close.push(s.close[idx[idx.length - 1]!]!);
    r.high.push(Math.max(...idx.map((i) => s.high[i]!)));
    r.low.push(Math.min(...idx.map((i) => s.low[i]!)));
    r.volume.push(idx.reduce((a, i) => a + s.volume[i]!, 0));
  }
  return r;
}

describe('resample', () => {
  // Friday 2024-03-08 is EST (UTC-5); Monday 2024-03-11 is EDT (UTC-4): DST began Sunday 03-10.
  const dst = minuteBars([
    [2024, 3, 8],
    [2024, 3, 11],
  ]);

  it('stamps bars at their close in New York time across a DST change', () => {
    const m5 = resample(dst, '5m');
    expect(m5.time.length).toBe(2 * 78);
    expect(new Date(m5.time[0]!).toISOString()).toBe('2024-03-08T14:35:00.000Z');
    expect(new Date(m5.time[78]!).toISOString()).toBe('2024-03-11T13:35:00.000Z');
    const d1 = resample(dst, '1d');
    expect(Array.from(d1.time, (t) => new Date(t).toISOString())).toEqual(['2024-03-08T21:00:00.000Z', '2024-03-11T20:00:00.000Z']);
    const h1 = resample(dst, '1h');
    expect(h1.time.length).toBe(14);
    // 09:30-10:30 ... 15:30-16:00: the last hourly bar of the session is half an hour long.
    expect(new Date(h1.time[6]!).toISOString()).toBe('2024-03-08T21:00:00.000Z');
    expect(h1.time[6]! - h1.time[5]!).toBe(MS_PER_HOUR / 2);
    const h6 = resample(dst, '6h');
    expect(Array.from(h6.time, (t) => new Date(t).toISOString())).toEqual([
      '2024-03-08T20:30:00.000Z',
      '2024-03-08T21:00:00.000Z',
      '2024-03-11T19:30:00.000Z',
      '2024-03-11T20:00:00.000Z',
    ]);
  });

  it('aggregates OHLCV like a naive per-bar wall-clock grouping (every timeframe)', () => {
    for (const tf of Timeframes.filter((t) => t !== '1m')) {
      const ours = resample(dst, tf);
      const ref = naive(dst, tf);
      expect(Array.from(ours.time)).toEqual(ref.time);
      expect(Array.from(ours.open)).toEqual(ref.open);
      expect(Array.from(ours.high)).toEqual(ref.high);
      expect(Array.from(ours.low)).toEqual(ref.low);
      expect(Array.from(ours.close)).toEqual(ref.close);
      expect(Array.from(ours.volume)).toEqual(ref.volume);
    }
  });

  it('matches the naive grouping with random missing minutes and pre/post-market bars (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.constantFrom(...Timeframes.filter((t) => t !== '1m')), (seed, p, tf) => {
        const rng = new Rng(seed);
        const s = minuteBars([[2023, 11, 3], [2023, 11, 6]], seed, () => rng.next() < p);
        // Seen from the 16:00 close of the last day every bucket has closed; compare all of them.
        const full = resample(s, tf, { now: usSession(2023, 11, 6).close });
        const ref = naive(s, tf);
        expect(Array.from(full.time)).toEqual(ref.time);
        expect(Array.from(full.close)).toEqual(ref.close);
        expect(Array.from(full.volume)).toEqual(ref.volume);
      }),
      { numRuns: 40 },
    );
  });

  it('drops bars outside the regular session', () => {
    const s = allocSeries('X', '1m', 3);
    const { open, close } = usSession(2024, 7, 1);
    s.time.set([open, open + MS_PER_MINUTE, close + MS_PER_MINUTE]);
    s.close.set([1, 2, 3]);
    const r = resample(s, '5m', { includePartial: true });
    expect(r.time.length).toBe(1);
    expect(r.close[0]).toBe(2);
  });

  it('never shows a bar before it closes', () => {
    const s = minuteBars([[2024, 6, 3]]);
    const { open } = usSession(2024, 6, 3);
    // Everything known at 10:02: bars closing 09:31 ... 10:02.
    const upTo = 32;
    const prefix: BarSeries = { ...s, time: s.time.subarray(0, upTo), open: s.open.subarray(0, upTo), high: s.high.subarray(0, upTo), low: s.low.subarray(0, upTo), close: s.close.subarray(0, upTo), volume: s.volume.subarray(0, upTo) };
    const m5 = resample(prefix, '5m');
    expect(m5.time.length).toBe(6);
    expect(m5.time[5]).toBe(open + 30 * MS_PER_MINUTE);
    for (const t of m5.time) expect(t).toBeLessThanOrEqual(prefix.time[upTo - 1]!);
    const m30 = resample(prefix, '30m');
    expect(m30.time.length).toBe(1);
    expect(resample(prefix, '1h').time.length).toBe(0);
    expect(resample(prefix, '1d').time.length).toBe(0);
    // includePartial: the forming bar is stamped at the last minute seen, not at its future close.
    const partial = resample(prefix, '1h', { includePartial: true });
    expect(partial.time.length).toBe(1);
    expect(partial.time[0]).toBe(prefix.time[upTo - 1]);
    expect(partial.close[0]).toBe(prefix.close[upTo - 1]);
    // Once the clock passes the bucket close, a bucket with missing last minutes is closed.
    const gap = { ...prefix, time: prefix.time.subarray(0, 29), open: prefix.open.subarray(0, 29), high: prefix.high.subarray(0, 29), low: prefix.low.subarray(0, 29), close: prefix.close.subarray(0, 29), volume: prefix.volume.subarray(0, 29) };
    expect(resample(gap, '30m').time.length).toBe(0);
    expect(resample(gap, '30m', { now: open + 30 * MS_PER_MINUTE }).time.length).toBe(1);
    // Resampling a prefix never changes the bars already emitted from the full day.
    const full = resample(s, '5m');
    expect(Array.from(full.close.subarray(0, 6))).toEqual(Array.from(m5.close));
  });

  it('rejects going finer or to a non-multiple', () => {
    const d = resample(minuteBars([[2024, 6, 3]]), '1d');
    expect(() => resample(d, '1h')).toThrow(/coarser/);
  });

  it('utc sessions align to UTC midnight', () => {
    const s = allocSeries('BTC', '1m', 3);
    const t0 = Date.UTC(2024, 0, 1);
    s.time.set([t0 + MS_PER_MINUTE, t0 + 2 * MS_PER_MINUTE, t0 + 24 * MS_PER_HOUR]);
    s.close.set([1, 2, 3]);
    s.volume.set([1, 1, 1]);
    const d = resample(s, '1d', { session: 'utc' });
    expect(Array.from(d.time)).toEqual([t0 + 24 * MS_PER_HOUR]);
    expect(d.close[0]).toBe(3);
    expect(d.volume[0]).toBe(3);
  });
});

describe('asOfJoin', () => {
  it('takes the last value at or before each time, never a later one', () => {
    const src = new Float64Array([10, 20, 30]);
    const vals = new Float64Array([1, 2, 3]);
    const tgt = new Float64Array([5, 10, 15, 20, 29, 35]);
    expect(Array.from(asOfJoin(tgt, src, vals))).toEqual([NaN, 1, 1, 2, 2, 3]);
    expect(Array.from(asOfJoin(tgt, src, vals, { availableAfterMs: 1 }))).toEqual([NaN, NaN, 1, 1, 2, 3]);
    expect(Array.from(asOfJoin(tgt, src, vals, { maxAgeMs: 4 }))).toEqual([NaN, 1, NaN, 2, NaN, NaN]);
  });
});
