/**
 * The run's HTML report: one self-contained file (inline CSS and SVG, no
 * scripts, no network) with the summary, today's signals, alerts and orders,
 * and per symbol the out-of-sample equity against buy-and-hold and the price
 * with the model's entries and exits.
 */
import { axis, day, esc, H, PAD, path, range, svg, x } from '../backtest/report.ts';
import type { RunReport, SymbolCharts } from './runReport.ts';

function pct(v: number, d = 1): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(d)}%` : 'n/a';
}

function num(v: number, d = 2): string {
  return Number.isFinite(v) ? v.toFixed(d) : 'n/a';
}

function equityChart(c: SymbolCharts): string {
  const [lo, hi] = range(c.equity, c.buyHold);
  const log = lo > 0 && hi / lo > 20;
  return svg(`${c.symbol}: out-of-sample equity${log ? ' (log scale)' : ''}`, axis(lo, hi, (v) => v.toFixed(0)) + `<polyline class="bh" points="${path(c.buyHold, lo, hi, log)}"/><polyline class="st" points="${path(c.equity, lo, hi, log)}"/>`);
}

function priceChart(c: SymbolCharts, action: string | undefined): string {
  const n = c.price.length;
  const [lo, hi] = range(c.price);
  const y = (v: number): number => H - PAD / 2 - ((v - lo) / (hi - lo || 1)) * (H - PAD);
  let marks = '';
  for (const t of c.trades.slice(-400)) {
    marks += `<circle class="in" cx="${x(t.entryBar, n).toFixed(1)}" cy="${y(c.price[t.entryBar]!).toFixed(1)}" r="2.5"><title>entry ${esc(day(c.time[t.entryBar]!))}</title></circle>`;
    if (t.exitBar >= 0) marks += `<circle class="out" cx="${x(t.exitBar, n).toFixed(1)}" cy="${y(c.price[t.exitBar]!).toFixed(1)}" r="2.5"><title>exit ${esc(day(c.time[t.exitBar]!))} (${esc(t.exitReason)})</title></circle>`;
  }
  if (action) marks += `<circle class="${action === 'BUY' ? 'today-buy' : 'today-sell'}" cx="${x(n - 1, n).toFixed(1)}" cy="${y(c.price[n - 1]!).toFixed(1)}" r="6"><title>today: ${esc(action)}</title></circle>`;
  return svg(`${c.symbol}: price with entries (green), exits (red) and today's signal`, axis(lo, hi, (v) => v.toFixed(2)) + `<polyline class="px" points="${path(c.price, lo, hi)}"/>` + marks);
}

/** Render the report as one HTML document. */
export function renderRunHtml(r: RunReport, charts: readonly SymbolCharts[]): string {
  const rows = r.symbols
    .map((s) => `<tr><td><a href="#${esc(s.symbol)}">${esc(s.symbol)}</a></td><td>${esc(s.model.oos_from)}..${esc(s.last)}</td><td>${pct(s.strategy.total_return)}</td><td>${pct(s.buy_hold.total_return)}</td><td>${num(s.strategy.sharpe)}</td><td>${num(s.buy_hold.sharpe)}</td><td>${pct(s.strategy.max_drawdown)}</td><td>${pct(s.buy_hold.max_drawdown)}</td><td>${num(s.strategy.dsr)}</td><td>${s.strategy.trades}</td><td class="${s.signal.action === 'BUY' ? 'buy' : 'sell'}">${s.signal.action} ${num(s.signal.prob)}</td></tr>`)
    .join('');
  const risk = r.risk.map((d) => `<tr><td>${esc(d.symbol)}</td><td>${d.approved ? 'approved' : 'blocked'}</td><td>${d.qty}</td><td>${num(d.notional)}</td><td>${pct(d.forecast_vol)}</td><td>${esc(d.vol_regime)}</td><td>${num(d.var_99)}</td><td>${esc(d.reasons.join('; '))}</td></tr>`).join('');
  const conf = r.confirmations.map((c) => `<tr><td>${esc(c.confirmation_id)}</td><td>${esc(c.symbol)}</td><td>${esc(c.action)} ${c.quantity}</td><td>${esc(c.status)}</td><td>${esc(c.order ? `${c.order.mode} ${c.order.status}` : '')}</td><td>${esc(c.reply)}</td></tr>`).join('');
  const bySymbol = new Map(r.symbols.map((s) => [s.symbol, s]));
  const sections = charts
    .map((c) => {
      const s = bySymbol.get(c.symbol);
      return `<section id="${esc(c.symbol)}"><h2>${esc(c.symbol)}</h2><p class="muted">${s ? `${s.model.folds} walk-forward folds, out-of-sample Brier ${num(s.model.oos_brier, 4)} (base rate ${pct(s.model.oos_base_rate)}); ${esc(s.fill)}` : ''}</p>${equityChart(c)}${priceChart(c, s?.signal.action)}</section>`;
    })
    .join('\n');
  const m = r.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tradepilot run ${esc(r.run_id)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
h1{font-size:20px}h2{font-size:15px;margin:20px 0 4px}
svg{background:#fafafa;border:1px solid #ddd}
polyline{fill:none;stroke-width:1.2}.st{stroke:#1f77b4}.bh{stroke:#aaa}.px{stroke:#555}
.in{fill:#2ca02c}.out{fill:#d62728}.today-buy{fill:#2ca02c;stroke:#000}.today-sell{fill:#d62728;stroke:#000}.ax{font-size:10px;fill:#666}
table{border-collapse:collapse;margin-top:8px}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
.buy{color:#2ca02c}.sell{color:#d62728}.muted{color:#888}
</style></head><body>
<h1>tradepilot run</h1>
<p class="muted">run ${esc(r.run_id)} · provider ${esc(r.provider)} · pack ${esc(r.pack.namespace)} ${esc(r.pack.version)} (${esc(r.pack.strategy)}) · costs ${r.costs.fee_bps} bps fee + ${r.costs.slippage_bps} bps slippage per fill · ${num(r.seconds, 1)} s</p>
<p>${m.symbols} symbols · model beat buy-and-hold on ${m.beat_buy_hold}/${m.symbols} out of sample · mean return ${pct(m.mean_strategy_return)} vs ${pct(m.mean_buy_hold_return)} · mean Sharpe ${num(m.mean_strategy_sharpe)} vs ${num(m.mean_buy_hold_sharpe)} · mean deflated Sharpe ${num(m.mean_dsr)} · ${m.buy_signals} BUY today, ${m.alerts} alerts, ${m.pending} pending, ${m.orders} orders.</p>
<p class="muted">Blue: the model's strategy out of sample (every prediction from a model trained only on earlier bars); grey: buy and hold over the same bars with the same costs.</p>
<h2>Out-of-sample results</h2><table><tr><th>symbol</th><th>period</th><th>return</th><th>buy&amp;hold</th><th>Sharpe</th><th>b&amp;h Sharpe</th><th>max dd</th><th>b&amp;h max dd</th><th>DSR</th><th>trades</th><th>today</th></tr>${rows}</table>
<h2>Risk gate</h2><table><tr><th>symbol</th><th>verdict</th><th>qty</th><th>notional</th><th>forecast vol</th><th>regime</th><th>VaR 99% (1 day)</th><th>reasons</th></tr>${risk}</table>
<h2>Alerts and confirmations</h2><table><tr><th>id</th><th>symbol</th><th>trade</th><th>status</th><th>order</th><th>note</th></tr>${conf}</table>
${r.failed.map((f) => `<p class="sell">failed: ${esc(f.symbol)}: ${esc(f.error)}</p>`).join('')}
${sections}
</body></html>
`;
}
