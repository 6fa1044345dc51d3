import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelBacktest } from '../../src/backtest/chartBacktest.ts';
import { SampleProvider } from '../../src/data/providers/sample.ts';
import { bearer, makeHarness, type Harness } from './harness.ts';

describe('backtest routes', () => {
  let h: Harness;
  const call = (method: 'GET' | 'POST', url: string, key?: string, payload?: unknown) => h.app.inject({ method, url, headers: key ? bearer(key) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('a bundled symbol with sma-cross reproduces the vectorbt fixture, beside buy-and-hold, with the chart series', async () => {
    const res = await call('POST', '/backtests', h.keys.user, { symbol: 'ttrc', strategy: 'sma-cross', params: { fast: 10, slow: 50, ma: 'vectorbt' }, fee: 0.001, cash: 100 });
    expect(res.statusCode).toBe(201);
    const b = res.json();
    // vectorbt 0.25.5 Portfolio.from_signals on ttrc (fixtures/backtest_vectorbt.md).
    expect(Math.abs(b.summary.metrics.total_return - 5.9135889774152615) / 5.9135889774152615).toBeLessThan(1e-9);
    expect(b.summary.metrics.trades).toBe(69);
    expect(Math.abs(b.summary.metrics.max_drawdown) - 0.2786567956385516).toBeCloseTo(0, 9);
    const bars = await new SampleProvider().getBars({ symbol: 'TTRC', timeframe: '1d' });
    const n = bars.close.length;
    // Buy-and-hold without costs on the close: last / first - 1 (the fee here is 0.001 per fill: one entry).
    expect(b.summary.buyHold.total_return).toBeCloseTo((bars.close[n - 1]! / bars.close[0]!) * (1 / 1.001) - 1, 6);
    expect(b).toMatchObject({ kind: 'symbol', symbol: 'TTRC', strategy: 'sma-cross', modelId: null, summary: { bars: n, start: '1985-01-02', initCash: 100 } });
    const s = b.series;
    expect(s.time).toHaveLength(n);
    expect(s.close[n - 1]).toBe(bars.close[n - 1]);
    expect(s.equity).toHaveLength(n);
    expect(s.buyHoldEquity).toHaveLength(n);
    expect(s.equity[n - 1]).toBeCloseTo(100 * (1 + b.summary.metrics.total_return), 9);
    expect(s.trades).toHaveLength(69);
    expect(s.markers.filter((m: { kind: string }) => m.kind === 'entry')).toHaveLength(69);
    expect(s.markers[0]).toMatchObject({ kind: 'entry', side: 1, time: s.time[s.trades[0].entryBar] });
    // Stored: GET returns the same document.
    const again = await call('GET', `/backtests/${b.id}`, h.keys.user);
    expect(again.json()).toEqual(b);
  });

  it('start/end narrow the window; other strategies and settings run', async () => {
    const res = await call('POST', '/backtests', h.keys.user, { symbol: 'AA', strategy: 'rsi', params: { rsiPeriod: 10 }, start: '1995-01-01', end: '1996-12-31', direction: 'both' });
    expect(res.statusCode).toBe(201);
    expect(res.json().summary).toMatchObject({ symbol: 'AA', start: '1995-01-03', end: '1996-12-31' });
    expect(res.json().request).toMatchObject({ strategy: 'rsi', params: { rsiPeriod: 10, rsiLower: 30 }, fill: 'close', direction: 'both' });
    const nextOpen = await call('POST', '/backtests', h.keys.user, { symbol: 'TTRC', strategy: 'donchian', start: '2005-01-01', fill: 'next-open', slippageBps: 5 });
    expect(nextOpen.statusCode).toBe(201);
    expect(nextOpen.json().summary.metrics.trades).toBeGreaterThan(0);
  });

  it('a model backtest runs its pack strategy over its data window, with parameter overrides', async () => {
    const m = (await call('POST', '/models', h.keys.user, { pack: 'swingsigma', name: 'bt-model' })).json();
    const res = await call('POST', '/backtests', h.keys.user, { model: 'bt-model', params: { threshold: 0.6 } });
    expect(res.statusCode).toBe(201);
    const b = res.json();
    expect(b).toMatchObject({ kind: 'model', modelId: m.id, strategy: 'pullback', symbol: 'TTRC', request: { params: { threshold: 0.6, hold_days: 7 } } });
    // Same as evaluating the model directly.
    const direct = await modelBacktest(m.spec, { ...m.spec.params, threshold: 0.6 });
    expect(b.summary.metrics.total_return).toBe(direct.summary.metrics.total_return);
    expect(b.summary.metrics.trades).toBe(direct.summary.metrics.trades);
    expect(b.series.equity).toHaveLength(b.summary.bars);
    expect(b.summary.end).toBe('2006-12-29');
    const bad = await call('POST', '/backtests', h.keys.user, { model: 'bt-model', params: { threshold: 3 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('params.threshold');
    expect((await call('POST', '/backtests', h.keys.user, { model: 'bt-model', params: { bogus: 1 } })).json().error.field).toBe('params.bogus');
    expect((await call('POST', '/backtests', h.keys.premium, { model: 'bt-model' })).statusCode).toBe(404);
  });

  it('400 names the field; nothing stored', async () => {
    const before = (await h.store.db.selectFrom('backtests').select('id').execute()).length;
    const cases: [Record<string, unknown>, string][] = [
      [{ strategy: 'sma-cross' }, 'symbol'],
      [{ symbol: 'TTRC', model: 'x' }, 'symbol'],
      [{ symbol: 'NOPE' }, 'symbol'],
      [{ symbol: 'TTRC', strategy: 'magic' }, 'strategy'],
      [{ symbol: 'TTRC', params: { fast: 60, slow: 50 } }, 'params.fast'],
      [{ symbol: 'TTRC', params: { slow: -1 } }, 'params.slow'],
      [{ symbol: 'TTRC', params: { period: 3 } }, 'params.period'],
      [{ symbol: 'TTRC', start: '2001-13-01' }, 'start'],
      [{ symbol: 'TTRC', start: '2003-01-01', end: '2002-01-01' }, 'end'],
      [{ symbol: 'TTRC', start: '2030-01-01' }, 'start'],
      [{ symbol: 'TTRC', cash: 0 }, 'cash'],
      [{ symbol: 'AA', fill: 'next-open' }, 'fill'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/backtests', h.keys.user, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field, JSON.stringify(res.json())).toBe(field);
    }
    expect((await h.store.db.selectFrom('backtests').select('id').execute()).length).toBe(before);
  });

  it('lists your backtests without series, filtered and paged; others see none; 401 without a key; POSTs audited', async () => {
    const list = await call('GET', '/backtests', h.keys.user);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((b: { strategy: string }) => b.strategy)).toEqual(['pullback', 'donchian', 'rsi', 'sma-cross']);
    expect(list.json().items[0].series).toBeUndefined();
    expect((await call('GET', '/backtests?kind=model', h.keys.user)).json().items).toHaveLength(1);
    expect((await call('GET', '/backtests?symbol=aa', h.keys.user)).json().items.map((b: { symbol: string }) => b.symbol)).toEqual(['AA']);
    const p1 = (await call('GET', '/backtests?limit=2', h.keys.user)).json();
    expect((await call('GET', `/backtests?limit=2&cursor=${p1.nextCursor}`, h.keys.user)).json().items.map((b: { strategy: string }) => b.strategy)).toEqual(['rsi', 'sma-cross']);
    expect((await call('GET', '/backtests?kind=other', h.keys.user)).json().error.field).toBe('kind');
    expect((await call('GET', '/backtests', h.keys.premium)).json().items).toEqual([]);
    expect((await call('GET', `/backtests/${p1.items[0].id}`, h.keys.premium)).statusCode).toBe(404);
    expect((await call('GET', '/backtests')).statusCode).toBe(401);
    expect((await call('POST', '/backtests', undefined, { symbol: 'TTRC' })).statusCode).toBe(401);
    const audit = (await h.store.events({ type: 'api.request' })).map((e) => e.payload as { path: string; status: number }).filter((a) => a.path === '/backtests');
    expect(audit.filter((a) => a.status === 201)).toHaveLength(4);
    expect(audit.some((a) => a.status === 400)).toBe(true);
    expect(audit.some((a) => a.status === 401)).toBe(true);
    expect(await h.store.events({ type: 'backtest.completed' })).toHaveLength(4);
  });
});

describe('backtests under the rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness({ options: { rateLimits: { anonymous: 1, user: 1, premium: 1, admin: 1 } } });
  });
  afterAll(async () => {
    await h.close();
  });
  it('429 after the per-key limit; the refused run stores nothing', async () => {
    const a = await h.app.inject({ method: 'POST', url: '/backtests', headers: bearer(h.keys.user), payload: { symbol: 'TTRC', strategy: 'buy-and-hold' } });
    expect(a.statusCode).toBe(201);
    const b = await h.app.inject({ method: 'POST', url: '/backtests', headers: bearer(h.keys.user), payload: { symbol: 'TTRC', strategy: 'buy-and-hold' } });
    expect(b.statusCode).toBe(429);
    expect(b.json().error.code).toBe('RATE_LIMITED');
    expect(await h.store.db.selectFrom('backtests').select('id').execute()).toHaveLength(1);
  });
});
