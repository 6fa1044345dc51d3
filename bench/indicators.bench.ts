/**
 * `npm run bench -- indicators`: SMA, EMA, RSI, MACD, Bollinger(20,2), ATR and ADX
 * over 1,000,000 bars against indicatorts, trading-signals, @ixjb94/indicators and
 * technicalindicators in the same run (ns per bar); our SMA/EMA/RSI at 100k bars
 * against vectorbt's published Numba figures (floor: within 2x); and the default
 * feature matrix of the 30 Dow stocks (floor: under 100 ms).
 */
import * as indicatorts from 'indicatorts';
import * as ts from 'trading-signals';
import { cpus, loadavg } from 'node:os';
import { IndicatorsSync } from '@ixjb94/indicators';
import ti from 'technicalindicators';
import { Rng } from '../src/core/rng.ts';
import { getIndicator, resolveParams } from '../src/indicators/registry.ts';
import type { Columns } from '../src/indicators/types.ts';
import { compileFeatureSet } from '../src/features/featureSet.ts';
import { defaultFeatureSet } from '../src/features/defaultSet.ts';
import { loadCsvSeries } from '../src/data/loadCsv.ts';
import { printTable, timeBest, type BenchRow } from './harness.ts';

type Peer = (d: Data) => unknown;
interface Data {
  cols: Columns;
  o: number[];
  h: number[];
  l: number[];
  c: number[];
}

function makeData(n: number): Data {
  const rng = new Rng(7);
  const c = new Float64Array(n);
  const h = new Float64Array(n);
  const l = new Float64Array(n);
  const o = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    const op = p;
    p *= Math.exp(0.01 * rng.normal());
    o[i] = op;
    c[i] = p;
    h[i] = Math.max(op, p) * (1 + 0.005 * Math.abs(rng.normal()));
    l[i] = Math.min(op, p) * (1 - 0.005 * Math.abs(rng.normal()));
  }
  return { cols: { open: o, high: h, low: l, close: c }, o: Array.from(o), h: Array.from(h), l: Array.from(l), c: Array.from(c) };
}

function streamPeer(make: () => { update?: (x: never) => unknown; add?: (x: never) => unknown }, hlc: boolean): Peer {
  return (d) => {
    const ind = make();
    const f = (ind.add ?? ind.update)!.bind(ind) as (x: unknown) => unknown;
    if (hlc) for (let i = 0; i < d.c.length; i++) f({ high: d.h[i], low: d.l[i], close: d.c[i] });
    else for (let i = 0; i < d.c.length; i++) f(d.c[i]);
    return ind;
  };
}

const ix = new IndicatorsSync();
const CASES: { name: string; ind: string; params: Record<string, number>; peers: Record<string, Peer | string> }[] = [
  {
    name: 'SMA(20)',
    ind: 'sma',
    params: { n: 20 },
    peers: {
      indicatorts: (d) => indicatorts.sma(d.c, { period: 20 }),
      'trading-signals': streamPeer(() => new ts.SMA(20) as never, false),
      '@ixjb94': (d) => ix.sma(d.c, 20),
      technicalindicators: (d) => ti.SMA.calculate({ period: 20, values: d.c }),
    },
  },
  {
    name: 'EMA(20)',
    ind: 'ema',
    params: { n: 20 },
    peers: {
      indicatorts: (d) => indicatorts.ema(d.c, { period: 20 }),
      'trading-signals': streamPeer(() => new ts.EMA(20) as never, false),
      '@ixjb94': (d) => ix.ema(d.c, 20),
      technicalindicators: (d) => ti.EMA.calculate({ period: 20, values: d.c }),
    },
  },
  {
    name: 'RSI(14)',
    ind: 'rsi',
    params: { n: 14 },
    peers: {
      indicatorts: (d) => indicatorts.rsi(d.c, { period: 14 }),
      'trading-signals': streamPeer(() => new ts.RSI(14) as never, false),
      '@ixjb94': (d) => ix.rsi(d.c, 14),
      technicalindicators: (d) => ti.RSI.calculate({ period: 14, values: d.c }),
    },
  },
  {
    name: 'MACD(12,26,9)',
    ind: 'macd',
    params: {},
    peers: {
      indicatorts: (d) => indicatorts.macd(d.c, { fast: 12, slow: 26, signal: 9 }),
      'trading-signals': streamPeer(() => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)) as never, false),
      '@ixjb94': (d) => ix.macd(d.c, 12, 26, 9),
      technicalindicators: (d) => ti.MACD.calculate({ values: d.c, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }),
    },
  },
  {
    name: 'Bollinger(20,2)',
    ind: 'bbands',
    params: { n: 20, sd: 2 },
    peers: {
      indicatorts: (d) => indicatorts.bb(d.c, { period: 20 }),
      'trading-signals': streamPeer(() => new ts.BollingerBands(20, 2) as never, false),
      '@ixjb94': (d) => ix.bbands(d.c, 20, 2),
      technicalindicators: (d) => ti.BollingerBands.calculate({ period: 20, values: d.c, stdDev: 2 }),
    },
  },
  {
    name: 'ATR(14)',
    ind: 'atr',
    params: { n: 14 },
    peers: {
      indicatorts: (d) => indicatorts.atr(d.h, d.l, d.c, { period: 14 }),
      'trading-signals': streamPeer(() => new ts.ATR(14) as never, true),
      '@ixjb94': (d) => ix.atr(d.h, d.l, d.c, 14),
      technicalindicators: (d) => ti.ATR.calculate({ high: d.h, low: d.l, close: d.c, period: 14 }),
    },
  },
  {
    name: 'ADX(14)',
    ind: 'adx',
    params: { n: 14 },
    peers: {
      indicatorts: 'no ADX in indicatorts 2.x',
      'trading-signals': streamPeer(() => new ts.ADX(14) as never, true),
      '@ixjb94': (d) => ix.adx(d.h, d.l, 14),
      technicalindicators: (d) => ti.ADX.calculate({ high: d.h, low: d.l, close: d.c, period: 14 }),
    },
  },
];

const VECTORBT_NS: Record<string, number> = { 'SMA(20)': 1.6, 'EMA(20)': 4.3, 'RSI(14)': 1.2 };

export async function run(args: string[]): Promise<void> {
  const n = 1_000_000;
  const big = makeData(n);
  const small = makeData(100_000);
  const rows: BenchRow[] = [];
  const quick = args.includes('--quick');
  for (const c of CASES) {
    const d = getIndicator(c.ind);
    const p = resolveParams(d, c.params);
    // Steady state: V8 needs a few dozen calls before a kernel runs fully optimised (vectorbt's figures are compiled Numba).
    const ours = (timeBest(() => d.batch(big.cols, p), 31) * 1e6) / n;
    const peerNs: string[] = [];
    let allSlower = true;
    for (const [name, peer] of Object.entries(c.peers)) {
      if (typeof peer === 'string') {
        peerNs.push(`${name}: absent (${peer})`);
        continue;
      }
      if (quick) continue;
      try {
        const ns = (timeBest(() => peer(big), 1) * 1e6) / n;
        peerNs.push(`${name} ${ns.toFixed(1)}`);
        if (ns <= ours) allSlower = false;
      } catch (e) {
        peerNs.push(`${name}: failed (${(e as Error).message.slice(0, 40)})`);
      }
    }
    rows.push({ case: `${c.name} 1M bars, ns/bar`, ours: ours.toFixed(2), peer: peerNs.join('; '), floor: 'faster than every peer', ok: quick ? null : allSlower });
    const ref = VECTORBT_NS[c.name];
    if (ref !== undefined) {
      const ns = (timeBest(() => d.batch(small.cols, p), 201) * 1e6) / 100_000;
      rows.push({ case: `${c.name} 100k bars, ns/bar`, ours: ns.toFixed(2), peer: `vectorbt (Numba, published) ${ref}`, floor: `<= ${(2 * ref).toFixed(1)}`, ok: ns <= 2 * ref });
    }
  }
  const dow = loadCsvSeries('data/sample/dowjones30.csv', { timeframe: '1d' });
  const set = defaultFeatureSet();
  const buildAll = (): void => {
    for (const s of dow) compileFeatureSet(set, s);
  };
  const ms = timeBest(buildAll, 9);
  // CPU time of the same build (mean of 5): on a shared machine, wall time includes waiting for a core.
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < 5; k++) buildAll();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / 5;
  const m = compileFeatureSet(set, dow[0]!);
  rows.push({
    case: `default feature matrix, 30 Dow stocks x ${dow[0]!.close.length} days (${m.columns.length} features, close-only)`,
    ours: `${ms.toFixed(1)} ms wall (best of 9), ${cpuMs.toFixed(1)} ms CPU (mean of 5)`,
    peer: 'none (no JS peer builds feature matrices)',
    floor: '< 100 ms',
    ok: ms < 100,
  });
  printTable(rows);
  const la = loadavg();
  process.stdout.write(`load average ${la.map((x) => x.toFixed(2)).join(', ')} on ${cpus().length} cores (figures under load are inflated)\n`);
}
