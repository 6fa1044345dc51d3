import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.ts';
import { parseTimestamp } from '../../src/core/time.ts';
import { parseCsv, parseNumberBytes, parseTimestampBytes } from '../../src/data/csv.ts';
import { validateCsv } from '../../src/data/validate.ts';

const ttrc = readFileSync('data/sample/ttrc.csv');
const small = ttrc.subarray(0, ttrc.indexOf(10, 2000) + 1);

/** Parse + validate; the only acceptable failure is a DataError. */
function acceptOrReject(bytes: Uint8Array): 'accepted' | 'rejected' {
  try {
    const r = validateCsv(parseCsv(bytes, { source: 'fuzz.csv' }));
    return r.ok ? 'accepted' : 'rejected';
  } catch (err) {
    if (err instanceof DataError) return 'rejected';
    throw err;
  }
}

describe('CSV parser robustness (property)', () => {
  it('random bytes never crash or hang: accepted or DataError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(['accepted', 'rejected']).toContain(acceptOrReject(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('random text of CSV-ish characters never crashes', () => {
    const chars = fc.constantFrom(...'date,open,high,low,close,volume\n\r"0123456789.-eE T:Z,,\n'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 300 }), (cs) => {
        expect(['accepted', 'rejected']).toContain(acceptOrReject(Buffer.from(cs.join(''))));
      }),
      { numRuns: 400 },
    );
  });

  it('random mutations of a valid file never crash; the original is accepted', () => {
    expect(acceptOrReject(small)).toBe('accepted');
    const mutation = fc.record({ pos: fc.nat({ max: small.length - 1 }), kind: fc.constantFrom('set', 'delete', 'insert'), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), (muts) => {
        let b = Buffer.from(small);
        for (const m of muts) {
          const p = Math.min(m.pos, b.length - 1);
          if (m.kind === 'set') b[p] = m.byte;
          else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1)]);
          else b = Buffer.concat([b.subarray(0, p), Buffer.from([m.byte]), b.subarray(p)]);
        }
        expect(['accepted', 'rejected']).toContain(acceptOrReject(b));
      }),
      { numRuns: 300 },
    );
  });

  it('numbers parse exactly as Number() does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map((x) => x / 100)), (x) => {
        for (const text of [String(x), x.toFixed(4), x.toExponential(6)]) {
          const b = Buffer.from(text);
          expect(parseNumberBytes(b, 0, b.length)).toBe(Number(text));
          const row = parseCsv(`v\n${text}\n`).values[0]![0];
          expect(row).toBe(Number(text));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('timestamps parse exactly as core parseTimestamp does', () => {
    const ms = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) });
    fc.assert(
      fc.property(ms, (t) => {
        const iso = new Date(t).toISOString();
        for (const text of [iso, iso.slice(0, 10), iso.slice(0, 19), iso.slice(0, 16).replace('T', ' '), `${iso.slice(0, 19)}-04:00`, String(Math.floor(t / 1000))]) {
          const b = Buffer.from(text);
          expect(parseTimestampBytes(b, 0, b.length)).toBe(parseTimestamp(text));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('CSV layouts', () => {
  it('reads case-insensitive names, adj close, epoch times, CRLF, quotes and a BOM', () => {
    const text = '\ufeffTimestamp,Open,HIGH,Low,"Adj Close",Volume\r\n1704205800,1,2,0.5,1.5,10\r\n"1704292200000",1,2,0.5,"1.75",11\r\n';
    const t = parseCsv(text);
    expect(t.kind).toBe('ohlcv');
    expect(t.issueCount).toBe(0);
    expect(Array.from(t.time)).toEqual([1704205800000, 1704292200000]);
    expect(Array.from(t.values[3]!)).toEqual([1.5, 1.75]);
    expect(Array.from(t.lines)).toEqual([2, 3]);
  });

  it('prefers close over adj close and reports the unused column', () => {
    const t = parseCsv('date,close,adj_close\n2024-01-02,10,9\n');
    expect(t.kind).toBe('close');
    expect(t.values[0]![0]).toBe(10);
    expect(t.ignored).toEqual(['adj_close']);
  });

  it('treats empty / NA cells of a wide file as missing, not errors', () => {
    const r = validateCsv(parseCsv('date,AAA,BBB\n2024-01-02,1,NA\n2024-01-03,,2\n'));
    expect(r.ok).toBe(true);
    expect(r.kind).toBe('wide');
  });

  it('counts lines inside quoted cells as an editor does', () => {
    const r = validateCsv(parseCsv('date,close\n"2024-01-02\n",1\n2024-01-03,x\n', { source: 'q.csv' }));
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.line)).toContain(4);
  });
});
