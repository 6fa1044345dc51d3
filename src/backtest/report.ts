import type { Metrics } from './metrics.ts';
import type { BacktestReport } from './runner.ts';

/** Rows of the metrics table: label, JSON key, and how to show it. */
const ROWS: [string, keyof Metrics, 'pct' | 'num' | 'int'][] = [
  ['Total return', 'total_return', 'pct'],
  ['CAGR', 'cagr', 'pct'],
  ['Volatility (ann.)', 'volatility', 'pct'],
  ['Sharpe', 'sharpe', 'num'],
  ['Sortino', 'sortino', 'num'],
  ['Calmar', 'calmar', 'num'],
  ['Max drawdown', 'max_drawdown', 'pct'],
  ['Max drawdown duration (bars)', 'max_drawdown_duration', 'int'],
  ['Trades', 'trades', 'int'],
  ['Win rate (closed)', 'win_rate', 'pct'],
  ['Profit factor', 'profit_factor', 'num'],
  ['Avg trade P&L', 'avg_trade_pnl', 'num'],
  ['Exposure', 'exposure', 'pct'],
  ['Turnover (per year)', 'turnover', 'num'],
  ['VaR 95% (1 bar)', 'var_95', 'pct'],
  ['ES 95% (1 bar)', 'es_95', 'pct'],
  ['VaR 99% (1 bar)', 'var_99', 'pct'],
  ['ES 99% (1 bar)', 'es_99', 'pct'],
  ['Probabilistic Sharpe', 'psr', 'num'],
  ['Deflated Sharpe', 'dsr', 'num'],
  ['Fees paid', 'fees', 'num'],
];

function fmt(v: number, how: 'pct' | 'num' | 'int'): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : 'n/a';
  if (how === 'pct') return `${(v * 100).toFixed(2)}%`;
  if (how === 'int') return String(Math.round(v));
  return v.toFixed(3);
}

/** HTML-escape text (shared with the run report). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Chart box: width, height and padding of every inline SVG chart. */
export const W = 960;
export const H = 260;
export const PAD = 40;

/** Polyline points of series ys (downsampled to at most ~W points) in a W x H box. */
export function path(ys: ArrayLike<number>, lo: number, hi: number, log = false): string {
  const n = ys.length;
  const step = Math.max(1, Math.floor(n / W));
  const f = (y: number): number => (log ? Math.log(Math.max(y, 1e-12)) : y);
  const a = f(lo);
  const b = f(hi);
  const pts: string[] = [];
  for (let i = 0; i < n; i += step) pts.push(`${x(i, n).toFixed(1)},${(H - PAD / 2 - ((f(ys[i]!) - a) / (b - a || 1)) * (H - PAD)).toFixed(1)}`);
  return pts.join(' ');
}

/** Horizontal position of bar i of n in the chart box. */
export function x(i: number, n: number): number {
  return PAD + (i / Math.max(1, n - 1)) * (W - 2 * PAD);
}

/** Lowest and highest finite value over the series ([0, 1] when none). */
export function range(...series: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) for (let i = 0; i < s.length; i++) if (Number.isFinite(s[i]!)) {
    lo = Math.min(lo, s[i]!);
    hi = Math.max(hi, s[i]!);
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** The top and bottom axis labels of a chart. */
export function axis(lo: number, hi: number, label: (v: number) => string): string {
  return `<text x="4" y="${PAD / 2 + 4}" class="ax">${esc(label(hi))}</text><text x="4" y="${H - PAD / 2}" class="ax">${esc(label(lo))}</text>`;
}

/** A titled inline SVG chart. */
export function svg(title: string, body: string): string {
  return `<h2>${esc(title)}</h2><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}">${body}</svg>`;
}

function drawdownOf(e: Float64Array): Float64Array {
  const dd = new Float64Array(e.length);
  let peak = -Infinity;
  for (let i = 0; i < e.length; i++) {
    peak = Math.max(peak, e[i]!);
    dd[i] = peak > 0 ? e[i]! / peak - 1 : 0;
  }
  return dd;
}

/** A self-contained HTML report (inline SVG and CSS, no scripts or network): curves, trades, metrics beside buy-and-hold. */
export function renderHtmlReport(r: BacktestReport, title: string, settings: Record<string, unknown>): string {
  const n = r.time.length;
  const eq = r.strategy.equity;
  const bh = r.buyHold.equity;
  const [elo, ehi] = range(eq, bh);
  const logScale = elo > 0 && ehi / elo > 20;
  const equitySvg =
    axis(elo, ehi, (v) => v.toFixed(0)) +
    `<polyline class="bh" points="${path(bh, elo, ehi, logScale)}"/><polyline class="st" points="${path(eq, elo, ehi, logScale)}"/>`;
  const dd = drawdownOf(eq);
  const ddb = drawdownOf(bh);
  const [dlo] = range(dd, ddb);
  const ddSvg = axis(dlo, 0, (v) => `${(v * 100).toFixed(0)}%`) + `<polyline class="bh" points="${path(ddb, dlo, 0)}"/><polyline class="st" points="${path(dd, dlo, 0)}"/>`;
  const [plo, phi] = range(r.price);
  const y = (v: number): number => H - PAD / 2 - ((v - plo) / (phi - plo || 1)) * (H - PAD);
  const single = r.symbols.length === 1;
  let marks = '';
  if (single) {
    for (const t of r.strategy.trades.slice(0, 2000)) {
      marks += `<circle class="in" cx="${x(t.entryBar, n).toFixed(1)}" cy="${y(r.price[t.entryBar]!).toFixed(1)}" r="3"><title>entry ${esc(day(r.time[t.entryBar]!))} @ ${t.entryPrice.toFixed(4)}</title></circle>`;
      if (t.exitBar >= 0) marks += `<circle class="out" cx="${x(t.exitBar, n).toFixed(1)}" cy="${y(r.price[t.exitBar]!).toFixed(1)}" r="3"><title>exit ${esc(day(r.time[t.exitBar]!))} @ ${t.exitPrice.toFixed(4)} (${t.exitReason}) pnl ${t.pnl.toFixed(2)}</title></circle>`;
    }
  }
  const priceSvg = axis(plo, phi, (v) => v.toFixed(2)) + `<polyline class="px" points="${path(r.price, plo, phi)}"/>` + marks;
  const rows = ROWS.map(([label, key, how]) => `<tr><td>${esc(label)}</td><td>${fmt(r.metrics[key], how)}</td><td>${fmt(r.buyHoldMetrics[key], how)}</td></tr>`).join('');
  const setRows = Object.entries(settings).map(([k, v]) => `<tr><td>${esc(k)}</td><td colspan="2">${esc(String(v))}</td></tr>`).join('');
  const tradeRows = r.strategy.trades
    .slice(-50)
    .map((t) => `<tr><td>${esc(t.symbol)}</td><td>${t.side > 0 ? 'long' : 'short'}</td><td>${esc(day(r.time[t.entryBar]!))}</td><td>${t.exitBar >= 0 ? esc(day(r.time[t.exitBar]!)) : 'open'}</td><td>${t.entryPrice.toFixed(4)}</td><td>${t.exitPrice.toFixed(4)}</td><td>${t.pnl.toFixed(2)}</td><td>${esc(t.exitReason)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
h1{font-size:20px}h2{font-size:15px;margin:20px 0 4px}
svg{background:#fafafa;border:1px solid #ddd}
polyline{fill:none;stroke-width:1.2}.st{stroke:#1f77b4}.bh{stroke:#aaa}.px{stroke:#555}
.in{fill:#2ca02c}.out{fill:#d62728}.ax{font-size:10px;fill:#666}
table{border-collapse:collapse;margin-top:8px}td,th{border-bottom:1px solid #eee;padding:3px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
.key{color:#1f77b4}.muted{color:#888}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="muted">${esc(day(r.time[0] ?? 0))} to ${esc(day(r.time[n - 1] ?? 0))}, ${n} bars, ${r.symbols.length} symbol(s). <span class="key">Blue: strategy</span>, grey: buy and hold.</p>
${svg(logScale ? 'Equity (log scale)' : 'Equity', equitySvg)}
${svg('Drawdown', ddSvg)}
${svg(single ? 'Price with entries (green) and exits (red)' : 'Equal-weight price index of the symbols', priceSvg)}
<h2>Metrics</h2><table><tr><th>metric</th><th>strategy</th><th>buy and hold</th></tr>${rows}</table>
<h2>Settings</h2><table>${setRows}</table>
<h2>Last trades</h2><table><tr><th>symbol</th><th>side</th><th>entry</th><th>exit</th><th>entry px</th><th>exit px</th><th>P&amp;L</th><th>reason</th></tr>${tradeRows}</table>
</body></html>
`;
}

/** YYYY-MM-DD of an epoch-ms time. */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
