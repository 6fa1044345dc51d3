import type { BarSeries } from '../../core/bar.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { DataProvider } from '../../data/provider.ts';
import { asOfJoin } from '../../data/resample.ts';

/** The volatility index joined to every bar (Yahoo's symbol; the mock provider serves any symbol). */
export const VIX_SYMBOL = '^VIX';

const MS_PER_DAY = 86_400_000;

/** What the agent reads: daily bars of the traded symbol and the VIX close known at each bar. */
export interface AgentData {
  symbol: string;
  provider: string;
  bars: BarSeries;
  /** VIX close as of each bar (NaN before the first VIX bar). */
  vixClose: Float64Array;
  start: number;
  end: number;
}

/**
 * Load `days` calendar days of daily bars ending at `end`, and the VIX joined
 * as of each bar's time, so a bar never sees a later VIX close.
 */
export async function loadAgentData(provider: DataProvider, symbol: string, end: number, days: number, vixSymbol = VIX_SYMBOL): Promise<AgentData> {
  const start = end - days * MS_PER_DAY;
  const bars = await provider.getBars({ symbol, timeframe: '1d', start, end });
  if (bars.time.length === 0) throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `no daily bars for ${symbol} from ${provider.name} between ${iso(start)} and ${iso(end)}`);
  const vix = await provider.getBars({ symbol: vixSymbol, timeframe: '1d', start: start - 14 * MS_PER_DAY, end });
  // Daily bars are stamped at the date: a VIX bar of the same date closes with the stock's bar, so it is known then.
  const vixClose = asOfJoin(bars.time, vix.time, vix.close);
  return { symbol, provider: provider.name, bars, vixClose, start, end };
}

/** The bars and VIX as plain rows, for the audit trail (raw data of a prediction). */
export function agentDataRows(d: AgentData): { time: string; open: number; high: number; low: number; close: number; volume: number; vix_close: number | null }[] {
  const b = d.bars;
  const out = [];
  for (let i = 0; i < b.time.length; i++) {
    const v = d.vixClose[i]!;
    out.push({ time: iso(b.time[i]!), open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, volume: b.volume[i]!, vix_close: Number.isNaN(v) ? null : v });
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
