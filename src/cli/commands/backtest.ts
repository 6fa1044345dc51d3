import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { costModel, type CostModel } from '../../backtest/costs.ts';
import type { PortfolioData } from '../../backtest/portfolioRules.ts';
import type { SignalTable } from '../../backtest/signalsFile.ts';
import type { StrategySpec } from '../../backtest/runner.ts';
import { STRATEGIES, type StrategyName } from '../../backtest/strategyNames.ts';
import type { Direction, FillAt, Sizing } from '../../backtest/types.ts';
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError, ErrorCode, TradepilotError } from '../../core/errors.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';
import { pct, table } from '../output.ts';
import { oneOf, optionalNumber as num } from '../options.ts';

interface BacktestFlags extends CommonOptions {
  csv?: string;
  symbol?: string;
  strategy: string;
  fast?: string;
  slow?: string;
  ma: string;
  rsiPeriod?: string;
  rsiLower?: string;
  rsiUpper?: string;
  entryPeriod?: string;
  exitPeriod?: string;
  signals?: string;
  direction: string;
  fill: string;
  fee: string;
  fixedFee?: string;
  slippageBps: string;
  volumeImpact: string;
  size: string;
  stopLoss?: string;
  takeProfit?: string;
  trailing?: string;
  wholeShares?: boolean;
  cash: string;
  maxPositions?: string;
  weighting: string;
  rebalance?: boolean;
  periodsPerYear: string;
  riskFree: string;
  trials: string;
  report?: string;
  windows?: string;
  combos?: boolean;
  threads: string;
  top: string;
  rankBy: string;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TradepilotError(ErrorCode.BAD_INPUT, `${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

function costsOf(o: BacktestFlags): CostModel {
  const fixed = (o.fixedFee ?? '0').split(',').map((x) => num('fixed-fee', x, 0)!);
  if (fixed.length > 2) throw new BadInputError('--fixed-fee: give one amount, or entry,exit (e.g. 25,35)');
  return costModel({
    feeRate: num('fee', o.fee, 0, 1)!,
    fixedFeeEntry: fixed[0]!,
    fixedFeeExit: fixed[1] ?? fixed[0]!,
    slippageBps: num('slippage-bps', o.slippageBps, 0, 10_000)!,
    volumeImpact: num('volume-impact', o.volumeImpact, 0)!,
    wholeShares: Boolean(o.wholeShares),
  });
}

type Prices = { kind: 'ohlcv'; series: BarSeries } | { kind: 'wide'; data: PortfolioData };

/** One series (OHLCV or closes) for the single engine, or a wide file's symbols on one shared time axis for the portfolio. */
async function loadPrices(path: string, symbol: string): Promise<Prices> {
  const { loadCsvSeries } = await import('../../data/loadCsv.ts');
  const all = loadCsvSeries(path, { symbol });
  if (all.length === 1) return { kind: 'ohlcv', series: all[0]! };
  const time = all[0]!.time;
  for (const s of all) {
    if (s.time.length !== time.length || s.time.some((t, i) => t !== time[i])) {
      throw new BadInputError(`${path}: ${s.symbol} has missing rows; a portfolio backtest needs every symbol on every date`);
    }
  }
  return { kind: 'wide', data: { symbols: all.map((s) => s.symbol), time, close: all.map((s) => s.close) } };
}

/** `equity`, `percent:0.5`, `fixed:100`, `atr:0.01[:14]`. */
async function sizingOf(raw: string, high: Float64Array, low: Float64Array, close: Float64Array, hasRange: boolean): Promise<Sizing> {
  const [kind, a, b] = raw.split(':');
  if (kind === 'equity' && a === undefined) return { kind: 'equity' };
  if (kind === 'percent') return { kind: 'percent', fraction: num('size', a, 0, 1)! };
  if (kind === 'fixed') return { kind: 'fixed', qty: num('size', a, 0)! };
  if (kind === 'atr') {
    if (!hasRange) throw new BadInputError('--size atr needs high and low prices; the CSV is close-only');
    const period = num('size', b ?? '14', 1, 1000, true)!;
    const { getIndicator } = await import('../../indicators/registry.ts');
    return { kind: 'vol-target', riskPerAtr: num('size', a, 0, 1)!, atr: getIndicator('atr').batch({ high, low, close }, { n: period })[1]! };
  }
  throw new BadInputError(`--size: expected equity, percent:F, fixed:QTY or atr:RISK[:PERIOD], got "${raw}"`);
}

/** `tradepilot backtest`: one backtest (or a grid of sma-cross windows) from a CSV, with metrics beside buy-and-hold. */
export const registerBacktest: CommandModule = (program, ctx) => {
  program
    .command('backtest')
    .description('backtest a strategy on a CSV of prices (OHLCV, or wide closes for a portfolio); metrics beside buy-and-hold')
    .option('--csv <file>', 'price CSV: date,open,high,low,close,volume or date,SYM1,SYM2,... (closes)')
    .option('--symbol <name>', 'symbol name for a single-series CSV (default: file name)')
    .option('--strategy <name>', `one of ${STRATEGIES.join(', ')}`, 'sma-cross')
    .option('--fast <n>', 'sma-cross fast window', '10')
    .option('--slow <n>', 'sma-cross slow window', '50')
    .option('--ma <mode>', 'moving averages: exact, or vectorbt (its cumsum rounding, to reproduce vectorbt ties)', 'exact')
    .option('--rsi-period <n>', 'rsi period', '14')
    .option('--rsi-lower <x>', 'rsi: enter when RSI crosses below this', '30')
    .option('--rsi-upper <x>', 'rsi: exit when RSI crosses above this', '70')
    .option('--entry-period <n>', 'donchian: breakout above the prior N bars high', '20')
    .option('--exit-period <n>', 'donchian: exit below the prior N bars low', '10')
    .option('--signals <file>', 'CSV of signals: date,entry,exit | date,weight | date,SYM1,SYM2,... (weights)')
    .option('--direction <d>', 'long, short or both', 'long')
    .option('--fill <at>', 'close (signal bar close) or next-open', 'close')
    .option('--fee <fraction>', 'fee as a fraction of traded value', '0')
    .option('--fixed-fee <amount>', 'fixed fee per order, or entry,exit (e.g. 25,35)')
    .option('--slippage-bps <bps>', 'slippage in basis points against each fill', '0')
    .option('--volume-impact <k>', 'extra slippage k * qty / bar volume', '0')
    .option('--size <how>', 'equity | percent:F | fixed:QTY | atr:RISK[:PERIOD] (volatility target)', 'equity')
    .option('--stop-loss <fraction>', 'stop loss below (long) / above (short) the entry price')
    .option('--take-profit <fraction>', 'take profit at this gain')
    .option('--trailing <fraction>', 'trailing stop from the best price since entry')
    .option('--whole-shares', 'round quantities down to whole shares')
    .option('--cash <amount>', 'initial cash', '10000')
    .option('--max-positions <n>', 'portfolio: most open positions (default: all symbols)')
    .option('--weighting <w>', 'portfolio: equal or signal', 'equal')
    .option('--rebalance', 'portfolio: rebalance to target weights every bar')
    .option('--periods-per-year <n>', 'bars per year for annualising', '252')
    .option('--risk-free <rate>', 'annual risk-free rate for Sharpe and Sortino', '0')
    .option('--trials <n>', 'strategy variants tried, for the deflated Sharpe ratio', '1')
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--windows <spec>', 'sma-cross grid windows, e.g. 5..50,20..200/2')
    .option('--combos', 'run sma-cross for every pair of distinct --windows')
    .option('--threads <n>', 'grid worker threads', '1')
    .option('--top <n>', 'grid: ranked results to print (0 = all)', '20')
    .option('--rank-by <stat>', 'grid: sharpe or total_return', 'sharpe')
    .option('--json', 'print one JSON document')
    .action(
      action<BacktestFlags>(ctx, async (o) => {
        if (!o.csv) throw new BadInputError('--csv FILE is required');
        const prices = await loadPrices(o.csv, o.symbol ?? basename(o.csv).replace(/\.[^.]*$/, '').toUpperCase());
        const costs = costsOf(o);
        const cash = num('cash', o.cash, Number.MIN_VALUE)!;
        const periodsPerYear = num('periods-per-year', o.periodsPerYear, 1)!;
        if (o.combos || o.windows) {
          if (!o.windows || !o.combos) throw new BadInputError('a grid needs both --windows SPEC and --combos');
          if (prices.kind !== 'ohlcv') throw new BadInputError('a grid runs on one price series; the CSV has one column per symbol');
          const top = num('top', o.top, 0, Infinity, true)!;
          const { runSmaGrid } = await import('../../backtest/gridRunner.ts');
          const g = await runSmaGrid(prices.series.close, o.windows, {
            costs: { feeRate: costs.feeRate, fixedFeeEntry: costs.fixedFeeEntry, fixedFeeExit: costs.fixedFeeExit, initCash: cash },
            threads: num('threads', o.threads, 1, 64, true)!,
            periodsPerYear,
            rankBy: oneOf('rank-by', o.rankBy, ['sharpe', 'total_return'] as const),
            ...(top > 0 ? { top } : {}),
          });
          const human = [
            `${g.combos} sma-cross combinations of ${g.windows.length} windows on ${prices.series.symbol} (${prices.series.close.length} bars) in ${g.seconds.toFixed(3)} s`,
            table(
              ['fast', 'slow', 'total return', 'sharpe', 'max dd', 'trades', 'win rate'],
              g.results.slice(0, 10).map((r) => [r.fast, r.slow, pct(r.total_return), r.sharpe, pct(r.max_drawdown), r.trades, pct(r.win_rate)]),
            ),
          ].join('\n');
          const { windows, ...rest } = g;
          return { json: { ...rest, windows: o.windows, window_count: windows.length }, human };
        }
        const name = oneOf('strategy', o.strategy, STRATEGIES) as StrategyName;
        let tableSig: SignalTable | undefined;
        if (o.signals) {
          const times = prices.kind === 'ohlcv' ? prices.series.time : prices.data.time;
          const { parseSignalsCsv } = await import('../../backtest/signalsFile.ts');
          tableSig = parseSignalsCsv(readText(o.signals, 'signals file'), o.signals, times);
        }
        if (name === 'signals' && !tableSig) throw new BadInputError('--strategy signals needs --signals FILE');
        const spec: StrategySpec = {
          name: tableSig && name === 'sma-cross' && o.signals ? 'signals' : name,
          fast: num('fast', o.fast, 1, 100_000, true)!,
          slow: num('slow', o.slow, 1, 100_000, true)!,
          ma: oneOf('ma', o.ma, ['exact', 'vectorbt'] as const),
          rsiPeriod: num('rsi-period', o.rsiPeriod, 1, 10_000, true)!,
          rsiLower: num('rsi-lower', o.rsiLower, 0, 100)!,
          rsiUpper: num('rsi-upper', o.rsiUpper, 0, 100)!,
          entryPeriod: num('entry-period', o.entryPeriod, 1, 100_000, true)!,
          exitPeriod: num('exit-period', o.exitPeriod, 1, 100_000, true)!,
          ...(tableSig ? { table: tableSig } : {}),
        };
        const mopt = { periodsPerYear, riskFree: num('risk-free', o.riskFree, -1, 1)!, trials: num('trials', o.trials, 1, 1e9, true)! };
        const fill = oneOf('fill', o.fill, ['close', 'next-open'] as const) as FillAt;
        const { backtestPortfolio, backtestSingle } = await import('../../backtest/runner.ts');
        let report;
        let settings: Record<string, unknown>;
        if (prices.kind === 'ohlcv') {
          const s = prices.series;
          const stops = {
            ...(o.stopLoss !== undefined ? { stopLoss: num('stop-loss', o.stopLoss, 0, 1)! } : {}),
            ...(o.takeProfit !== undefined ? { takeProfit: num('take-profit', o.takeProfit, 0)! } : {}),
            ...(o.trailing !== undefined ? { trailing: num('trailing', o.trailing, 0, 1)! } : {}),
          };
          const direction = oneOf('direction', o.direction, ['long', 'short', 'both'] as const) as Direction;
          const sizing = await sizingOf(o.size, s.high, s.low, s.close, s.fields.high && s.fields.low);
          report = backtestSingle(s, spec, { initCash: cash, direction, fill, costs, sizing, stops }, mopt);
          settings = { symbol: s.symbol, strategy: spec.name, direction, fill, size: o.size, ...stops };
        } else {
          const d = prices.data;
          const maxPositions = num('max-positions', o.maxPositions ?? String(d.symbols.length), 1, 100_000, true)!;
          const weighting = oneOf('weighting', o.weighting, ['equal', 'signal'] as const);
          report = backtestPortfolio(d, spec, { initCash: cash, costs, fill, maxPositions, weighting, rebalance: Boolean(o.rebalance) }, mopt);
          settings = { symbols: d.symbols.length, strategy: spec.name, fill, max_positions: maxPositions, weighting, rebalance: Boolean(o.rebalance) };
        }
        if (spec.name === 'sma-cross') Object.assign(settings, { fast: spec.fast, slow: spec.slow, ma: spec.ma });
        Object.assign(settings, { cash, fee: costs.feeRate, fixed_fee_entry: costs.fixedFeeEntry, fixed_fee_exit: costs.fixedFeeExit, slippage_bps: costs.slippageBps, periods_per_year: periodsPerYear });
        const m = report.metrics;
        const b = report.buyHoldMetrics;
        const { renderHtmlReport } = await import('../../backtest/report.ts');
        if (o.report) writeFileSync(o.report, renderHtmlReport(report, `Backtest: ${spec.name} on ${report.symbols.length === 1 ? report.symbols[0] : `${report.symbols.length} symbols`}`, settings));
        const first = new Date(report.time[0] ?? 0).toISOString().slice(0, 10);
        const last = new Date(report.time[report.time.length - 1] ?? 0).toISOString().slice(0, 10);
        const json = { ...m, buy_hold_return: b.total_return, buy_hold: b, settings, start: first, end: last, ...(o.report ? { report: o.report } : {}) };
        const human = [
          `${spec.name} on ${report.symbols.length === 1 ? report.symbols[0] : `${report.symbols.length} symbols`}, ${first} to ${last} (${m.bars} bars)`,
          `total return ${pct(m.total_return)} (buy & hold ${pct(b.total_return)})  CAGR ${pct(m.cagr)}  Sharpe ${m.sharpe.toFixed(2)} (b&h ${b.sharpe.toFixed(2)})`,
          `max drawdown ${pct(m.max_drawdown)}  trades ${m.trades}  win rate ${pct(m.win_rate)}  profit factor ${Number.isFinite(m.profit_factor) ? m.profit_factor.toFixed(2) : 'inf'}  exposure ${pct(m.exposure)}`,
          ...(o.report ? [`report: ${o.report}`] : []),
        ].join('\n');
        return { json, human };
      }),
    );
};
