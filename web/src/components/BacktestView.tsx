/** A stored backtest: its headline metrics against buy-and-hold, and the price/signals/equity chart. */
import { useMemo } from 'react';
import { num, pct } from '../format.ts';
import type { Backtest } from '../types.ts';
import { BacktestChart, type ChartData } from './BacktestChart.tsx';

/** Chart data from a backtest's series: entries of long trades and exits of short ones are buys. */
export function chartData(b: Backtest): ChartData {
  const s = b.series;
  if (!s) return { price: [] };
  if (!s.close) return { price: [], equity: s.time.map((t, i) => ({ time: t, value: s.equity[i] ?? null })), benchmark: s.time.map((t, i) => ({ time: t, value: s.buyHoldEquity?.[i] ?? null })) };
  return {
    price: s.time.map((t, i) => ({ time: t, close: s.close![i] ?? null })),
    equity: s.time.map((t, i) => ({ time: t, value: s.equity[i] ?? null })),
    benchmark: s.time.map((t, i) => ({ time: t, value: s.buyHoldEquity?.[i] ?? null })),
    signals: (s.markers ?? []).map((m) => {
      const buy = (m.kind === 'entry') === m.side > 0;
      return { time: m.time, side: buy ? ('buy' as const) : ('sell' as const), label: `${buy ? 'BUY' : 'SELL'}${m.kind === 'exit' && m.reason ? ` (${m.reason})` : ''}` };
    }),
  };
}

const METRICS: [string, string, (x: unknown) => string][] = [
  ['total_return', 'return', (x) => pct(x)],
  ['cagr', 'CAGR', (x) => pct(x)],
  ['sharpe', 'Sharpe', (x) => num(x)],
  ['sortino', 'Sortino', (x) => num(x)],
  ['max_drawdown', 'max drawdown', (x) => pct(x)],
  ['win_rate', 'win rate', (x) => pct(x)],
  ['trades', 'trades', (x) => num(x, 0)],
];

/** Metrics table and chart of one backtest. */
export function BacktestView({ backtest, height }: { backtest: Backtest; height?: number }) {
  const data = useMemo(() => chartData(backtest), [backtest]);
  const m = backtest.summary?.metrics ?? {};
  const bh = backtest.summary?.buyHold ?? {};
  return (
    <div>
      <p className="muted">
        {backtest.summary?.symbol ?? backtest.symbol} · {backtest.strategy} · {backtest.summary?.start ?? '–'} to {backtest.summary?.end ?? '–'} · {backtest.summary?.bars ?? '–'} bars
      </p>
      <table aria-label="backtest metrics" className="compact">
        <thead>
          <tr>
            <th />
            {METRICS.map(([k, label]) => (
              <th key={k} className="num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>strategy</td>
            {METRICS.map(([k, , f]) => (
              <td key={k} className="num">
                {f(m[k])}
              </td>
            ))}
          </tr>
          <tr>
            <td>buy &amp; hold</td>
            {METRICS.map(([k, , f]) => (
              <td key={k} className="num">
                {f(bh[k])}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {data.price.length > 0 || (data.equity?.length ?? 0) > 0 ? <BacktestChart data={data} {...(height ? { height } : {})} /> : <p className="muted">no series stored for this backtest</p>}
    </div>
  );
}
