import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { barAt, sliceSeries } from '../../src/core/bar.ts';
import { trainingFeatures } from '../../src/research/training/features.ts';
import { trainingFolds, truncate } from '../../src/research/training/fitFold.ts';
import { tradeLabels } from '../../src/research/training/tradeLabels.ts';
import type { TrainingSet } from '../../src/research/training/dataset.ts';
import { barCalendar } from '../../src/strategy/packs/calendar.ts';
import { seriesFromBars } from '../../src/core/bar.ts';
import { StrategyParamsSchema } from '../../src/strategy/packs/schema.ts';
import { liveAlertEngine, trainedModelId } from '../../src/research/training/liveModels.ts';
import { runTrainedAlerts } from '../../src/research/training/trainedAlertsJob.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { newTraining } from '../../src/research/training/newTraining.ts';
import { discardTraining, publishTraining } from '../../src/research/training/publishTraining.ts';
import { runTraining, type TrainingResult } from '../../src/research/training/runTraining.ts';
import { loadFolds } from '../../src/research/training/trainingStore.ts';
import { AlertEngine } from '../../src/live/alerts/alertEngine.ts';
import { PublishedModelSchema } from '../../src/live/alerts/publishedModel.ts';
import { ModelRegistry } from '../../src/ml/artifacts/registry.ts';
import { gbdtFromJson, gbdtPredict, trainGbdt, type GbdtJson } from '../../src/ml/tree/gbdt.ts';
import { Rng } from '../../src/core/rng.ts';
import { SampleProvider } from '../../src/data/providers/sample.ts';
import { tradedSymbol } from '../../src/strategy/models/modelSpec.ts';
import { trendkeeperSweep } from '../support/trendkeeperSweep.ts';

/** A small grid keeps these tests to seconds; the default grid runs once, in the first test. */
const SMALL = { n_estimators: [10, 20], max_depth: [2, 3], learning_rate: [0.1] };
const dir = mkdtempSync(join(tmpdir(), 'tp-train-'));
let store: Store;
let sweepId: string;
let passRanks: number[];
let failRank: number;

beforeAll(async () => {
  store = await openSqliteStore(':memory:');
  const sweep = await trendkeeperSweep(store);
  sweepId = sweep.sweepId;
  passRanks = sweep.rows.filter((r) => r.status !== 'FAIL').map((r) => r.rank);
  failRank = sweep.rows.find((r) => r.status === 'FAIL')!.rank;
  expect(passRanks.length).toBeGreaterThanOrEqual(6);
});
afterAll(() => store.close());

describe('training', () => {
  it('end to end with the default grid: 12 points x 5 purged folds, registry artifacts, audit events', async () => {
    const { training } = await newTraining(store, { userId: 'u', sweepId, ranks: [passRanks[0]!], modelDir: dir });
    const seen: number[] = [];
    const tr = await runTraining(store, training.id, { onProgress: (p) => seen.push(p.done) });
    expect(tr.status).toBe('done');
    const r = tr.result as TrainingResult;
    const c = r.configs[0]!;
    expect(c.grid).toHaveLength(12);
    expect(new Set(c.grid.map((g) => g.key)).size).toBe(12);
    for (const g of c.grid) expect(g.folds).toHaveLength(5);
    expect(c.best.mean.logloss).toBe(Math.min(...c.grid.map((g) => g.mean.logloss)));
    expect(seen).toContain(5);
    // Every feature column is scored; importance shares add to 1.
    expect(c.importance.map((f) => f.feature).sort()).toEqual([...c.columns].sort());
    expect(c.importance.reduce((a, f) => a + f.share, 0)).toBeCloseTo(1, 9);
    expect(c.sample_predictions).toHaveLength(20);
    for (const s of c.sample_predictions) expect(s.p).toBeGreaterThan(0);
    // Registry: metadata JSON plus classifier, validation, importance and predictions; the stored model reproduces a refit.
    const reg = new ModelRegistry(tr.dir);
    const meta = reg.metadata(c.model.version);
    expect(Object.keys(meta.files).sort()).toEqual(['classifier', 'importance', 'predictions', 'validation']);
    expect(meta.features).toEqual(c.columns);
    expect(meta.metrics.cv_logloss).toBe(c.best.mean.logloss);
    for (const f of Object.values(meta.files)) expect(existsSync(join(tr.dir, f))).toBe(true);
    const types = (await store.events({ correlationId: tr.id })).map((e) => e.type);
    expect(types[0]).toBe('training.created');
    expect(types).toEqual(expect.arrayContaining(['training.started', 'training.progress', 'training.completed']));
  });

  it('trade labels follow the configuration\'s fills, stop, target and holding period (hand-checked)', () => {
    // Daily bars; a signal at bar t buys bar t+1's open.
    const px = [
      [100, 100, 100, 100],
      [100, 101, 99, 100], // t=1 signal -> buys bar 2 at 100
      [100, 103, 99.5, 102],
      [102, 111, 101, 110], // high 111 >= target 110: exit at max(open 102, 110) = 110
      [110, 110, 94, 95], // t=3 signal buys bar 4 at 110; low 94 <= stop 104.5: exit at min(110, 104.5)
      [95, 96, 94, 95],
      [95, 96, 94, 96],
      [96, 97, 95, 97],
    ];
    const s = seriesFromBars('X', '1d', px.map(([o, h, l, c], i) => ({ time: Date.UTC(2024, 0, 2 + i), open: o!, high: h!, low: l!, close: c!, volume: 1 })));
    const p = StrategyParamsSchema.parse({ threshold: 0.5, top_pct: 0.5, hold_days: 2, stop_loss: 0.05, take_profit: 0.1 });
    const inst = { kind: 'stock' as const, symbol: 'X', side: 1 as const, shareSize: 0, contractSize: 1, defaultStrike: 'ATM' as const, defaultDte: 0 };
    const pol = { fill: 'next-open' as const, feeBps: 0, slippageBps: 0, contractFee: 0, flatAtClose: false, positionSize: 1, initCash: 1 };
    const l = tradeLabels(s, barCalendar(s), 0, s.time.length, p, inst, pol);
    expect([l.y[1], l.t1[1]]).toEqual([1, 3]);
    expect(l.ret[1]).toBeCloseTo(0.1, 12);
    expect([l.y[3], l.t1[3]]).toEqual([0, 4]);
    expect(l.ret[3]).toBeCloseTo(104.5 / 110 - 1, 12);
    // t=4 buys bar 5 at 95 and leaves after 2 bars at bar 7's close 97.
    expect([l.y[4], l.t1[4]]).toEqual([1, 7]);
    expect(l.ret[4]).toBeCloseTo(97 / 95 - 1, 12);
    // The last signals' trades would close after the data ends: no label.
    expect(l.y[6]).toBeNaN();
  });

  it('folds: training rows precede each test block by the embargo and no label reaches into it', () => {
    const n = 200;
    const set = { y: new Float64Array(n), t0: Int32Array.from({ length: n }, (_, i) => i), t1: Int32Array.from({ length: n }, (_, i) => i + 4) } as unknown as TrainingSet;
    const folds = trainingFolds(set, 5, 1);
    expect(folds).toHaveLength(5);
    for (const f of folds) {
      const first = f.test[0]!;
      expect(f.test).toHaveLength(33);
      const last = f.train[f.train.length - 1]!;
      expect(set.t1[last]!).toBeLessThan(first);
      // purge: rows whose 4-bar label overlaps the test block (or the 1-row embargo) are gone
      expect(last).toBe(first - 5);
    }
  });

  it('a 100-tree model is exactly the first 100 trees of a 200-tree one (what lets the grid share boosters)', () => {
    const rng = new Rng(3);
    const X = { data: new Float64Array(300 * 4).map(() => rng.normal()), rows: 300, cols: 4 };
    const y = new Float64Array(300).map((_, i) => (X.data[i]! + 0.5 * rng.normal() > 0 ? 1 : 0));
    const p = { objective: 'binary' as const, maxDepth: 3, learningRate: 0.1, seed: 7, maxBins: 64 };
    const long = trainGbdt(X, y, { ...p, rounds: 40 });
    const short = trainGbdt(X, y, { ...p, rounds: 20 });
    expect(Array.from(gbdtPredict(truncate(long, 20), X))).toEqual(Array.from(gbdtPredict(short, X)));
  });

  it('refuses FAIL rows and bad ranks, warns above five configurations', async () => {
    await expect(newTraining(store, { userId: 'u', sweepId, ranks: [failRank], modelDir: dir })).rejects.toThrow(/FAILs its gates/);
    await expect(newTraining(store, { userId: 'u', sweepId, ranks: [999], modelDir: dir })).rejects.toThrow(/not 999/);
    const { warnings } = await newTraining(store, { userId: 'u', sweepId, ranks: passRanks.slice(0, 6), modelDir: dir, grid: SMALL });
    expect(warnings[0]).toMatch(/6 configurations selected \(more than 5\)/);
  });

  it('a resumed training skips its saved (configuration, fold) units and gives the same result', async () => {
    const ranks = passRanks.slice(0, 2);
    const whole = await runTraining(store, (await newTraining(store, { userId: 'u', sweepId, ranks, modelDir: dir, grid: SMALL })).training.id);
    const { training } = await newTraining(store, { userId: 'u', sweepId, ranks, modelDir: dir, grid: SMALL });
    // Stop after three units (the crash), then resume.
    const ac = new AbortController();
    const cut = await runTraining(store, training.id, { signal: ac.signal, onProgress: (p) => p.done >= 3 && ac.abort() });
    expect(cut.status).toBe('cancelled');
    const saved = await loadFolds(store, training.id);
    expect(saved.size).toBe(3);
    const skipped: number[] = [];
    const resumed = await runTraining(store, training.id, { onProgress: (p) => skipped.push(p.skipped) });
    expect(resumed.status).toBe('done');
    expect(skipped[0]).toBe(3);
    const a = whole.result as TrainingResult;
    const b = resumed.result as TrainingResult;
    expect(b.resumed_units).toBe(3);
    const strip = (r: TrainingResult) => r.configs.map(({ model, ...rest }) => ({ ...rest, files: model.files, version: model.version }));
    expect(strip(b)).toEqual(strip(a));
    expect(b.best_config).toBe(a.best_config);
    const file = (tr: typeof whole, r: TrainingResult) => readFileSync(join(tr.dir, r.configs[0]!.model.files.classifier!), 'utf8');
    expect(file(resumed, b)).toBe(file(whole, a));
  });

  it('publish makes alerts come from the model; discard deletes the artifacts and audits', async () => {
    const tr = await runTraining(store, (await newTraining(store, { userId: 'u', sweepId, ranks: [passRanks[0]!], modelDir: dir, grid: SMALL })).training.id);
    // One published training per model: publishing this one retires the one published before.
    const earlier = (await runTraining(store, (await newTraining(store, { userId: 'u', sweepId, ranks: [passRanks[1]!], modelDir: dir, grid: SMALL, folds: 3 })).training.id)).id;
    await publishTraining(store, earlier, 'test');
    const pub = await publishTraining(store, tr.id, 'test');
    expect(pub.status).toBe('published');
    expect((await store.db.selectFrom('trainings').select('status').where('id', '=', earlier).executeTakeFirstOrThrow()).status).toBe('done');
    expect((await store.events({ type: 'training.unpublished', subject: earlier }))[0]!.payload).toMatchObject({ replaced_by: tr.id });
    const engine = await liveAlertEngine(store, { policy: 'highest-confidence', newId: (() => { let n = 0; return () => `a${++n}`; })() });
    // Feed the model's own bars; the batch model on the same bars says where the probability crosses the threshold.
    const r = pub.result as TrainingResult;
    const cfg = r.configs[pub.publication.config]!;
    const spec = tr.plan.spec;
    const all = await new SampleProvider().getBars({ symbol: tradedSymbol(spec), timeframe: '1d' });
    const s = sliceSeries(all, all.time.length - 600);
    const model = gbdtFromJson(JSON.parse(readFileSync(join(tr.dir, cfg.model.files.classifier!), 'utf8')) as GbdtJson);
    const f = trainingFeatures(spec, s, cfg.params.rank_window);
    const p = gbdtPredict(model, f);
    const score = f.columns.indexOf('pack_score');
    const want: number[] = [];
    let prev = NaN;
    for (let t = 0; t < s.time.length; t++) {
      const q = Number.isNaN(f.data[score * f.rows + t]!) ? NaN : p[t]!;
      if (q >= cfg.alert_threshold && !(prev >= cfg.alert_threshold)) want.push(s.time[t]!);
      prev = q;
    }
    expect(want.length).toBeGreaterThan(0);
    const got: { time: number; model: string; confidence: number }[] = [];
    for (let t = 0; t < s.time.length; t++) for (const a of engine.onBar(s.symbol, barAt(s, t)).alerts) got.push({ time: Date.parse(a.timestamp), model: a.model_id, confidence: a.confidence });
    expect(got.map((g) => g.time)).toEqual(want);
    expect(new Set(got.map((g) => g.model))).toEqual(new Set([trainedModelId(tr.id)]));
    // Another symbol is not watched.
    expect(engine.onBar('OTHER', barAt(s, 0)).alerts).toEqual([]);

    // The scheduler's job: on the day of the last crossing it stores that bar's alert, once.
    const at = want[want.length - 1]!;
    const job = { store, provider: new SampleProvider(), clock: new SimulatedClock(at + 3_600_000) };
    const stored = await runTrainedAlerts(job);
    expect(stored.map((a) => [Date.parse(a.timestamp), a.model_id])).toEqual([[at, trainedModelId(tr.id)]]);
    expect(await runTrainedAlerts(job)).toEqual([]);
    expect((await store.db.selectFrom('alerts').select('model_id').execute()).map((x) => x.model_id)).toEqual([trainedModelId(tr.id)]);

    const gone = await discardTraining(store, tr.id, 'test', 'done with it');
    expect(gone.status).toBe('discarded');
    expect(existsSync(tr.dir)).toBe(false);
    expect((await loadFolds(store, tr.id)).size).toBe(0);
    const ev = (await store.events({ type: 'training.discarded', subject: tr.id }))[0]!;
    expect(ev.payload).toMatchObject({ by: 'test', reason: 'done with it', was: 'published' });
    // Discarded: no longer live, cannot be published again.
    const after = await liveAlertEngine(store, { policy: 'highest-confidence' });
    expect(after.onBar(s.symbol, barAt(s, 0)).alerts).toEqual([]);
    await expect(publishTraining(store, tr.id, 'test')).rejects.toThrow(/discarded/);
  });

  it('a trained rule without its signal is refused', () => {
    const m = PublishedModelSchema.parse({ model_id: 'x', rule: { kind: 'trained', training_id: 't', threshold: 0.6 } });
    const e = new AlertEngine([m], { policy: 'highest-confidence' });
    expect(() => e.onBar('SPY', { time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 })).toThrow(/needs its signal/);
  });
});
