import { describe, expect, it } from 'vitest';
import { sliceSeries } from '../../core/bar.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { fromArtifactJson, toArtifactJson } from './artifactJson.ts';
import { MockUniverseProvider } from './mockUniverse.ts';
import { GruPredictor, QUICK_PREDICTOR, trainPredictor, type PredictorArtifact } from './timeframePredictor.ts';

const ASOF = Date.UTC(2024, 5, 14, 23);
const p = new MockUniverseProvider({ size: 12, asOf: ASOF, days: 300, intradayDays: 20 });

describe('timeframe predictor (GRU)', () => {
  it('trains walk-forward 80/20, round-trips through its artifact and forecasts from the last window only', async () => {
    const series = await Promise.all(['AAPL', 'MSFT'].map((s) => p.getBars({ symbol: s, timeframe: '30m', start: ASOF - 40 * MS_PER_DAY, end: ASOF })));
    const a = trainPredictor('30m', series, { ...QUICK_PREDICTOR, epochs: 1, hidden: 4, maxWindows: 50 });
    const total = a.metrics.train_windows + a.metrics.valid_windows;
    expect(total).toBeLessThanOrEqual(50);
    expect(a.metrics.train_windows).toBe(Math.floor(0.8 * total));
    expect(a.metrics.valid_rmse).toBeGreaterThan(0);
    expect(a.metrics.hit_rate).toBeGreaterThanOrEqual(0);
    const m = new GruPredictor(a);
    const back = new GruPredictor(fromArtifactJson<PredictorArtifact>(toArtifactJson(a)));
    const s = series[0]!;
    const f = m.predict(s)!;
    expect(back.predict(s)).toEqual(f);
    expect(f.predicted_price).toBeCloseTo(f.last_close * (1 + f.expected_return), 9);
    expect(f.confidence).toBeGreaterThanOrEqual(0.5);
    expect(f.confidence).toBeLessThan(1);
    // Bars before the window's RSI warm-up do not matter.
    expect(m.predict(sliceSeries(s, s.close.length - 260))).toEqual(f);
    expect(m.predict(sliceSeries(s, 0, 50))).toBeNull();
    expect(() => trainPredictor('1h', [sliceSeries(s, 0, 90)])).toThrow(/no series longer than 101 bars/);
  });
});
