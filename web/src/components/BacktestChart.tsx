/**
 * Price (candles, or a line when only closes are known), buy/sell markers and
 * the equity curve in a second pane, drawn with lightweight-charts. The
 * TradingView logo is off (it injects an inline <style>, which our CSP refuses);
 * the footer carries the attribution instead.
 */
import { useEffect, useRef } from 'react';
import { CandlestickSeries, createChart, createSeriesMarkers, LineSeries, type SeriesMarker, type Time, type UTCTimestamp } from 'lightweight-charts';

/** A bar: time as epoch ms, epoch seconds or an ISO string. */
export interface PricePoint {
  time: number | string;
  open?: number | null;
  high?: number | null;
  low?: number | null;
  close: number | null;
}

/** A trade marker. */
export interface SignalPoint {
  time: number | string;
  side: 'buy' | 'sell';
  label?: string;
}

/** What the chart draws; every part may be empty. */
export interface ChartData {
  price: PricePoint[];
  signals?: SignalPoint[];
  equity?: { time: number | string; value: number | null }[];
  /** A second equity line beside the first (e.g. buy and hold). */
  benchmark?: { time: number | string; value: number | null }[];
}

/** Epoch seconds of a time value (ms above 1e11, seconds below; ISO strings parsed), or null. */
export function toSeconds(t: number | string): UTCTimestamp | null {
  const ms = typeof t === 'number' ? (t > 1e11 ? t : t * 1000) : Date.parse(t);
  return Number.isFinite(ms) ? (Math.floor(ms / 1000) as UTCTimestamp) : null;
}

/** Points sorted by time with one point per time (the chart refuses duplicates). */
function ascending<T extends { time: UTCTimestamp }>(pts: T[]): T[] {
  const s = [...pts].sort((a, b) => a.time - b.time);
  return s.filter((p, i) => i === 0 || p.time !== s[i - 1]!.time);
}

const fin = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The chart; redraws when `data` changes. */
export function BacktestChart({ data, height = 420 }: { data: ChartData; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = createChart(el.current, {
      height,
      autoSize: true,
      layout: { attributionLogo: false, background: { color: '#ffffff' }, textColor: '#1d2433', panes: { separatorColor: '#d0d5dd' } },
      grid: { vertLines: { color: '#eef0f3' }, horzLines: { color: '#eef0f3' } },
      timeScale: { timeVisible: true },
    });
    const line = (pts: { time: number | string; value: number | null }[] | undefined) =>
      ascending((pts ?? []).flatMap((p) => {
        const time = toSeconds(p.time);
        return time !== null && fin(p.value) ? [{ time, value: p.value }] : [];
      }));
    const bars = ascending(data.price.flatMap((p) => {
      const time = toSeconds(p.time);
      return time !== null && fin(p.close) ? [{ ...p, time, close: p.close }] : [];
    }));
    // Without prices the equity lines take the main pane.
    const equityPane = bars.length > 0 ? 1 : 0;
    if (bars.length > 0) {
      const ohlc = bars.every((b) => fin(b.open) && fin(b.high) && fin(b.low));
      const price = ohlc
        ? chart.addSeries(CandlestickSeries, { upColor: '#1a7f37', downColor: '#cf222e', wickUpColor: '#1a7f37', wickDownColor: '#cf222e', borderVisible: false })
        : chart.addSeries(LineSeries, { color: '#1f4e99', lineWidth: 2, title: 'price' });
      if (ohlc) price.setData(bars.map((b) => ({ time: b.time, open: b.open as number, high: b.high as number, low: b.low as number, close: b.close })));
      else price.setData(bars.map((b) => ({ time: b.time, value: b.close })));
      const markers: SeriesMarker<Time>[] = ascendingMarkers(data.signals ?? []);
      if (markers.length > 0) createSeriesMarkers(price, markers);
    }
    const eq = line(data.equity);
    if (eq.length > 0) chart.addSeries(LineSeries, { color: '#8250df', lineWidth: 2, title: 'equity' }, equityPane).setData(eq);
    const bench = line(data.benchmark);
    if (bench.length > 0) chart.addSeries(LineSeries, { color: '#8c959f', lineWidth: 1, title: 'buy & hold' }, equityPane).setData(bench);
    if (equityPane === 1 && (eq.length > 0 || bench.length > 0)) chart.panes()[1]?.setHeight(Math.round(height * 0.3));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [data, height]);
  return <div className="chart" ref={el} data-testid="backtest-chart" />;
}

function ascendingMarkers(signals: SignalPoint[]): SeriesMarker<Time>[] {
  return signals
    .flatMap((s) => {
      const time = toSeconds(s.time);
      if (time === null) return [];
      const buy = s.side === 'buy';
      return [{ time, position: buy ? ('belowBar' as const) : ('aboveBar' as const), color: buy ? '#1a7f37' : '#cf222e', shape: buy ? ('arrowUp' as const) : ('arrowDown' as const), text: s.label ?? (buy ? 'BUY' : 'SELL') }];
    })
    .sort((a, b) => a.time - b.time);
}
