import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.ts';
import { defaultModelSpec } from '../models/modelSpec.ts';
import { evaluateConfig, loadEvalContext } from './evaluate.ts';
import { loadPackFile, loadPacks, PACKS_DIR } from './load.ts';
import { trailingRank } from './score.ts';
import { parsePack } from './validate.ts';

const FIXTURES = new URL('../../../test/packs/fixtures/', import.meta.url).pathname;
const swingText = readFileSync(join(PACKS_DIR, 'swing.yaml'), 'utf8');

function errorOf(text: string): DataError {
  try {
    parsePack(text, 'packs/swing.yaml');
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('official packs', () => {
  const packs = loadPacks();
  it('ships at least four packs: intraday 0DTE options, swing, position, momentum', () => {
    expect(packs.length).toBeGreaterThanOrEqual(4);
    const horizons = packs.map((p) => p.pack.personality.time_horizon);
    expect(horizons).toEqual(expect.arrayContaining(['intraday', 'swing', 'position']));
    const zero = packs.find((p) => p.pack.personality.time_horizon === 'intraday')!.pack;
    expect(zero.instruments.default).toBe('option');
    expect(zero.instruments.settings.option!.default_dte).toBe(0);
    expect(packs.some((p) => p.pack.tags.includes('momentum'))).toBe(true);
    expect(new Set(packs.map((p) => p.pack.namespace)).size).toBe(packs.length);
  });
  it.each(packs.map((p) => [p.pack.namespace, p] as const))('%s backtests one year with at least 10 trades', async (_ns, { pack }) => {
    const spec = defaultModelSpec(pack);
    const ctx = await loadEvalContext(spec);
    const n = ctx.bars.close.length - ctx.from;
    expect(n).toBeGreaterThan(pack.timeframe === '1d' ? 240 : 240 * 13);
    const { metrics } = evaluateConfig(ctx, spec.params);
    expect(metrics.trades).toBeGreaterThanOrEqual(10);
    expect(Number.isFinite(metrics.sharpe)).toBe(true);
  });
});

describe('pack validation names the YAML path', () => {
  it('a 200-day average on an intraday pack', () => {
    const text = readFileSync(join(PACKS_DIR, 'intraday-0dte.yaml'), 'utf8').replace('{ id: ema_20_1h, name: ema, params: { n: 20 }, timeframe: 1h', '{ id: ema_20_1h, name: sma, params: { n: 200 }, timeframe: 1d');
    const e = errorOf(text);
    expect(e.message).toMatch(/^packs\/swing\.yaml line \d+: indicators\[4\]\.timeframe: sma\(n=200\) on 1d needs 199 sessions of history; an intraday pack allows at most 5/m);
  });
  it('an unknown indicator, a bad enum, too few indicators, missing gate, no default strategy', () => {
    expect(errorOf(swingText.replace('name: cci,', 'name: nope,')).message).toContain('indicators[4].name: unknown indicator "nope"');
    expect(errorOf(swingText.replace('timeframe: 1d, direction: -1 }\n  - { id: bb_pctb', 'timeframe: 7d, direction: -1 }\n  - { id: bb_pctb')).message).toMatch(/line 21: indicators\[0\]\.timeframe:/);
    const three = swingText.replace(/ {2}- \{ id: (stoch_k|cci_20|adx_14|sma_50).*\n/g, '');
    expect(errorOf(three).message).toContain('indicators: a pack needs 3 to 15 indicators, found 2');
    expect(errorOf(swingText.replace('min_sharpe: 0.0, ', '')).message).toContain('gates.min_sharpe: required');
    expect(errorOf(swingText.replace('default: true', 'default: false')).message).toContain('strategies: at least one strategy must be marked default: true');
  });
  it('inconsistent risk and instruments', () => {
    expect(errorOf(swingText.replace('max_daily_loss: 0.05', 'max_daily_loss: 0.01')).message).toContain('policies.risk.max_daily_loss: one stopped-out position loses 3.00%');
    expect(errorOf(swingText.replace('default: stock', 'default: future')).message).toContain('instruments.default: future is not among the supported instruments');
    expect(errorOf(swingText.replace('supported: [stock, option]', 'supported: [stock]')).message).toContain('instruments.settings.option: option is not supported by this pack');
    expect(errorOf(swingText.replace('namespace: swingsigma', 'namespace: swingsigma\nsurprise: 1')).message).toContain('surprise: unknown field');
  });
  it('refuses formats more than two majors back or from the future', () => {
    expect(errorOf(swingText.replace('format: 3.0.0', 'format: 0.9.0')).message).toContain('format: format 0.9.0 is not supported; this version reads majors 1 to 3');
    expect(errorOf(swingText.replace('format: 3.0.0', 'format: 4.0.0')).message).toContain('format 4.0.0 is not supported');
  });
});

describe('older pack formats still load', () => {
  it('format 1 and 2 packs migrate, validate and backtest', async () => {
    const v1 = loadPackFile(join(FIXTURES, 'v1-swing.yaml')).pack;
    expect(v1.indicators.map((i) => i.name)).toEqual(['rsi', 'sma', 'bbands', 'cci']);
    expect(v1.indicators[2]!.params).toEqual({ n: 20, sd: 2 });
    expect(v1.indicators[1]!.transform).toBe('price_relative');
    expect(v1.instruments).toMatchObject({ supported: ['stock'], default: 'stock', settings: { stock: { ticker: 'TTRC' } } });
    const v2 = loadPackFile(join(FIXTURES, 'v2-momentum.yaml')).pack;
    expect(v2.format).toBe('3.0.0');
    expect(v2.policies.execution.fill).toBe('next-open');
    for (const pack of [v1, v2]) {
      const spec = defaultModelSpec(pack);
      const { metrics } = evaluateConfig(await loadEvalContext(spec), spec.params);
      expect(metrics.trades).toBeGreaterThan(0);
    }
  });
});

describe('trailingRank', () => {
  it('is the share of the window at or below the value, past-only', () => {
    const r = trailingRank(Float64Array.from([1, 2, 3, 2, 5]), 3);
    expect(Array.from(r)).toEqual([NaN, 1, 1, 2 / 3, 1]);
    const x = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const a = trailingRank(x, 10);
    const y = x.slice();
    y.fill(99, 30);
    const b = trailingRank(y, 10);
    expect(Array.from(b.subarray(0, 30))).toEqual(Array.from(a.subarray(0, 30)));
  });
});
