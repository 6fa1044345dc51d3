import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/core/bar.ts';
import { Rng } from '../../src/core/rng.ts';
import { SampleProvider } from '../../src/data/providers/sample.ts';
import { runModelOptions } from '../../src/pipeline/mainJob.ts';
import { firstCompleteRow, runFeatures } from '../../src/pipeline/runFeatures.ts';
import { resolveRunPack } from '../../src/pipeline/runPack.ts';
import { walkForwardModel, type WalkForwardResult } from '../../src/pipeline/walkForwardModel.ts';

const pack = resolveRunPack(undefined);
const opts = runModelOptions(pack);

function model(bars: BarSeries): WalkForwardResult {
  const m = runFeatures(pack.spec, bars);
  return walkForwardModel(m, bars.close, bars.time, firstCompleteRow(m), opts);
}

/** The same series with every bar after `cut` replaced by a different random walk. */
function newFuture(s: BarSeries, cut: number, seed: number): BarSeries {
  const rng = new Rng(seed);
  const close = Float64Array.from(s.close);
  for (let i = cut + 1; i < close.length; i++) close[i] = close[i - 1]! * Math.exp(0.03 * (rng.next() - 0.5));
  return { ...s, open: close, high: close, low: close, close };
}

describe('main job models: no lookahead', () => {
  it('trains every walk-forward model only on rows whose labels ended by the start of the block it predicts', async () => {
    const bars = await new SampleProvider().getBars({ symbol: 'MSFT', timeframe: '1d' });
    const r = model(bars);
    expect(r.folds.length).toBeGreaterThan(5);
    for (const f of r.folds) {
      expect(f.train_to).toBeLessThan(f.test_from);
      expect(f.label_end).toBeLessThanOrEqual(f.test_from);
      // The purge removed the last `horizon` rows before the block.
      expect(f.train_to).toBeLessThanOrEqual(f.test_from - opts.horizon);
    }
    for (let i = 0; i < r.oosStart; i++) expect(r.prob[i]).toBeNaN();
    for (let i = r.oosStart; i < r.prob.length; i++) expect(Number.isFinite(r.prob[i]!)).toBe(true);
    const last = bars.close.length - 1;
    expect(r.today.label_end).toBeLessThanOrEqual(last);
    expect(r.today.train_to).toBeLessThanOrEqual(last - opts.horizon);
  });

  it('gives the same out-of-sample predictions up to a bar whatever happens after it', async () => {
    const bars = await new SampleProvider().getBars({ symbol: 'MSFT', timeframe: '1d' });
    const base = model(bars);
    // A cut in the middle of a block: the rows of that block up to the cut must not move either.
    const f = base.folds[3]!;
    const cut = Math.floor((f.test_from + f.test_to) / 2);
    const other = model(newFuture(bars, cut, 5));
    expect(Array.from(other.prob.subarray(0, cut + 1))).toEqual(Array.from(base.prob.subarray(0, cut + 1)));
    expect(Array.from(other.threshold.subarray(0, cut + 1))).toEqual(Array.from(base.threshold.subarray(0, cut + 1)));
    // And the future really changed what came after (so the comparison above could fail).
    let moved = 0;
    for (let i = cut + 1; i < bars.close.length; i++) if (other.prob[i] !== base.prob[i]) moved++;
    expect(moved).toBeGreaterThan(100);
  });
});
