import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';
import { isUuidv7, shortId, uuidv7, uuidv7Time } from './ids.ts';
import { nyOffsetMinutes, parseTimestamp, SimulatedClock, usSession, toIso } from './time.ts';
import { DataError, ErrorCode, TradepilotError } from './errors.ts';
import { closeOnlySeries, seriesUntil } from './bar.ts';
import { roundToIncrement } from './order.ts';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });
  it('draws uniforms in [0,1) and normals with unit variance', () => {
    const r = new Rng(7);
    let s = 0;
    let s2 = 0;
    const n = 100_000;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(lo >= 0 && hi < 1).toBe(true);
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});

describe('ids', () => {
  it('makes sortable v7 uuids carrying their time', () => {
    const ids = Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000));
    expect(ids.every(isUuidv7)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(Math.abs(uuidv7Time(ids[0]!) - 1_700_000_000_000)).toBeLessThan(2);
  });
  it('makes short base32 ids', () => {
    expect(shortId(new Uint8Array([0, 0, 0, 0, 0]))).toBe('00000000');
    expect(shortId()).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  });
});

describe('time', () => {
  it('parses ISO dates, date-times with zones, and epoch seconds or ms', () => {
    expect(parseTimestamp('2020-03-09')).toBe(Date.UTC(2020, 2, 9));
    expect(parseTimestamp('2020-03-09T14:30:00Z')).toBe(Date.UTC(2020, 2, 9, 14, 30));
    expect(parseTimestamp('2020-03-09 10:30:00-04:00')).toBe(Date.UTC(2020, 2, 9, 14, 30));
    expect(parseTimestamp('1583764200')).toBe(1583764200000);
    expect(parseTimestamp('1583764200000')).toBe(1583764200000);
    expect(parseTimestamp('2021-02-30')).toBeNaN();
    expect(parseTimestamp('abc')).toBeNaN();
    expect(parseTimestamp('')).toBeNaN();
  });
  it('knows New York DST, including the pre-2007 rules', () => {
    expect(nyOffsetMinutes(Date.UTC(2020, 0, 15))).toBe(-300);
    expect(nyOffsetMinutes(Date.UTC(2020, 2, 9))).toBe(-240); // day after 2020 spring-forward
    expect(nyOffsetMinutes(Date.UTC(2006, 2, 20))).toBe(-300); // 2006: DST began in April
    const s = usSession(2020, 3, 9);
    expect(toIso(s.open)).toBe('2020-03-09T13:30:00.000Z');
    expect(toIso(s.close)).toBe('2020-03-09T20:00:00.000Z');
  });
  it('simulated clock never goes back', () => {
    const c = new SimulatedClock(1000);
    c.advance(5);
    expect(c.now()).toBe(1005);
    expect(() => c.set(1)).toThrow(/cannot go back/);
  });
});

describe('errors', () => {
  it('formats data errors as FILE line N: reason and maps to exit code 2', () => {
    const e = new DataError('prices.csv', [{ line: 412, reason: 'high 3.10 < low 3.12' }, { line: 7, field: 'volume', reason: 'negative' }]);
    expect(e.message).toBe('prices.csv line 412: high 3.10 < low 3.12\nprices.csv line 7: volume: negative');
    expect(e.exitCode).toBe(2);
    expect(new TradepilotError(ErrorCode.NETWORK, 'down').exitCode).toBe(1);
  });
});

describe('bar series', () => {
  it('cuts a series at a time without lookahead', () => {
    const s = closeOnlySeries('X', '1d', Float64Array.from([1, 2, 3, 4]), Float64Array.from([10, 11, 12, 13]));
    expect(Array.from(seriesUntil(s, 2.5).close)).toEqual([10, 11]);
    expect(Array.from(seriesUntil(s, 4).close)).toEqual([10, 11, 12, 13]);
    expect(s.fields.volume).toBe(false);
  });
  it('rounds to venue increments exactly', () => {
    expect(roundToIncrement(10.123456, 0.01)).toBe(10.12);
    expect(roundToIncrement(0.1 + 0.2, 0.1)).toBe(0.3);
    expect(roundToIncrement(7.6, 1)).toBe(8);
  });
});
