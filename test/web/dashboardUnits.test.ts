import { describe, expect, it } from 'vitest';
import { toCsv } from '../../web/src/csv.ts';
import { parseFrames } from '../../web/src/sseFrames.ts';
import { MAX_COMBOS, rangeValues, type RangeAxis } from '../../web/src/sweepGrid.ts';

/** The dashboard's pure pieces: CSV export, SSE framing, sweep ranges. */
describe('dashboard CSV export', () => {
  it('quotes commas, quotes and newlines (RFC 4180) and writes missing values empty', () => {
    const csv = toCsv(['a', 'b', 'c', 'd'], [{ a: 'x,y', b: 'say "hi"', c: 'two\nlines', d: null }, { a: 1.5, b: NaN, c: [9, 10], d: undefined }]);
    expect(csv).toBe('a,b,c,d\n"x,y","say ""hi""","two\nlines",\n1.5,,9/10,\n');
  });
  it('defuses spreadsheet formulas but leaves negative numbers alone', () => {
    const csv = toCsv(['v'], [{ v: '=HYPERLINK("x")' }, { v: '+1+1' }, { v: '@SUM(A1)' }, { v: -0.25 }, { v: '-0.5' }]);
    expect(csv.split('\n').slice(1, 6)).toEqual([`"'=HYPERLINK(""x"")"`, "'+1+1", "'@SUM(A1)", '-0.25', '-0.5']);
  });
});

describe('dashboard SSE framing', () => {
  it('parses id, event and multi-line data, skips comments, keeps the incomplete tail', () => {
    const { frames, rest } = parseFrames('retry: 2000\n: connected\n\nid: 7\nevent: sweep.progress\ndata: {"a":1}\n\ndata: one\ndata: two\n\nid: 9\n\nid: 10\ndata: {"par');
    expect(frames).toEqual([{ id: '7', event: 'sweep.progress', data: '{"a":1}' }, { data: 'one\ntwo' }, { id: '9', data: '' }]);
    expect(rest).toBe('id: 10\ndata: {"par');
    // The tail completes with the next chunk, CRLF line ends included.
    expect(parseFrames(`${rest}tial"}\r\n\r\n`).frames).toEqual([{ id: '10', data: '{"partial"}' }]);
  });
});

describe('dashboard sweep ranges', () => {
  const axis = (from: string, to: string, step: string, extra: Partial<RangeAxis> = {}): RangeAxis => ({ key: 'threshold', label: 'threshold', on: true, from, to, step, int: false, min: 0, max: 1, ...extra });
  it('steps without float drift and includes the end', () => {
    expect(rangeValues(axis('0.5', '0.7', '0.05')).values).toEqual([0.5, 0.55, 0.6, 0.65, 0.7]);
    expect(rangeValues(axis('0.1', '0.3', '0.1')).values).toEqual([0.1, 0.2, 0.3]);
    expect(rangeValues(axis('1', '2', '1', { int: true, max: undefined, min: 1 })).values).toEqual([1, 2]);
  });
  it('names what is wrong', () => {
    expect(rangeValues(axis('0.7', '0.5', '0.05')).error).toBe('to must be at least from');
    expect(rangeValues(axis('0.5', '0.7', '0')).error).toBe('step must be above 0');
    expect(rangeValues(axis('0.5', '1.5', '0.5')).error).toBe('values must lie in [0, 1]');
    expect(rangeValues(axis('x', '1', '0.1')).error).toBe('from, to and step must be numbers');
    expect(rangeValues(axis('1', '3', '0.5', { int: true, max: undefined })).error).toBe('whole numbers only');
    expect(rangeValues(axis('0', '1', '0.0001')).error).toBe(`10001 values`);
    expect(MAX_COMBOS).toBe(1000);
  });
});
