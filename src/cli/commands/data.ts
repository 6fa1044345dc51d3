import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { isTimeframe, parseTimestamp, Timeframes, toIso, type Timeframe } from '../../core/time.ts';
import type { BarCache } from '../../data/barCache.ts';
import { PROVIDER_NAMES } from '../../data/providers/providerNames.ts';
import type { SessionMode } from '../../data/resample.ts';
import { action, commandConfig, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';
import { positiveIntOption as intOpt } from '../options.ts';

interface ValidateOpts extends CommonOptions {
  repair?: boolean;
  out?: string;
  maxIssues?: string;
}
interface ShowOpts extends CommonOptions {
  provider?: string;
  symbol?: string;
  csv?: string;
  timeframe?: string;
  tail?: string;
  out?: string;
  start?: string;
  end?: string;
  seed?: string;
}
interface FetchOpts extends ShowOpts {
  cacheDir?: string;
  cache?: boolean;
  baseUrl?: string;
}
interface ResampleOpts extends CommonOptions {
  csv?: string;
  to?: string;
  out?: string;
  includePartial?: boolean;
  session?: string;
}

function timeOpt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTimestamp(v);
  if (!Number.isFinite(t)) throw new BadInputError(`--${name} must be an ISO date/time or epoch, got ${JSON.stringify(v)}`);
  return t;
}

function timeframeOpt(v: string | undefined, def: Timeframe): Timeframe {
  if (v === undefined) return def;
  if (!isTimeframe(v)) throw new BadInputError(`--timeframe must be one of ${Timeframes.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}

/** A short JSON summary of a series (no arrays). */
function summary(s: BarSeries): Record<string, unknown> {
  const n = s.time.length;
  return {
    symbol: s.symbol,
    timeframe: s.timeframe,
    bars: n,
    first: n > 0 ? toIso(s.time[0]!, s.timeframe === '1d') : null,
    last: n > 0 ? toIso(s.time[n - 1]!, s.timeframe === '1d') : null,
    fields: s.fields,
  };
}

function barRows(s: BarSeries): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (let i = 0; i < s.time.length; i++) {
    const r: (string | number)[] = [toIso(s.time[i]!, s.timeframe === '1d'), s.close[i]!];
    if (s.fields.open) r.splice(1, 0, s.open[i]!, s.high[i]!, s.low[i]!);
    if (s.fields.volume) r.push(s.volume[i]!);
    rows.push(r);
  }
  return rows;
}

function barHeader(s: BarSeries): string[] {
  return ['time', ...(s.fields.open ? ['open', 'high', 'low'] : []), 'close', ...(s.fields.volume ? ['volume'] : [])];
}

function barsJson(s: BarSeries): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < s.time.length; i++) {
    const b: Record<string, unknown> = { time: toIso(s.time[i]!, s.timeframe === '1d'), close: s.close[i] };
    if (s.fields.open) Object.assign(b, { open: s.open[i], high: s.high[i], low: s.low[i] });
    if (s.fields.volume) b.volume = s.volume[i];
    out.push(b);
  }
  return out;
}

/** `tradepilot data validate|show|fetch|resample`. */
export const registerData: CommandModule = (program, ctx) => {
  const data = program.command('data').description('market data: validate files, show and fetch bars, resample');

  data
    .command('validate')
    .description('check a CSV file (OHLCV, close-only, wide multi-symbol); exit 2 with FILE line N: reason when invalid')
    .argument('<file>', 'CSV file')
    .option('--repair', 'drop or fix bad rows instead of rejecting, and list each change')
    .option('--out <file>', 'write the (repaired) data here')
    .option('--max-issues <n>', 'most problems listed', '50')
    .option('--json', 'print one JSON document')
    .action(
      action<ValidateOpts>(ctx, async (opts, args) => {
        const file = args[0]!;
        const max = intOpt('max-issues', opts.maxIssues, 50);
        const { readCsvFile } = await import('../../data/loadCsv.ts');
        const { tableToCsv } = await import('../../data/csvWrite.ts');
        const r = readCsvFile(file, { repair: opts.repair, maxIssues: max });
        if (opts.out) writeFileSync(opts.out, tableToCsv(r.table));
        const t = r.table;
        const show = (x: number): string | null => (t.rows === 0 ? null : t.timeIsIndex ? String(x) : toIso(x, true));
        const json = {
          file,
          ok: true,
          kind: r.kind,
          columns: t.columns,
          ignored: t.ignored,
          rows: r.rows,
          kept: r.kept,
          first: t.kind === 'values' ? null : show(t.time[0]!),
          last: t.kind === 'values' ? null : show(t.time[t.rows - 1]!),
          repairs: r.repairs,
          repairCount: r.repairCount,
          gaps: r.gaps.map((g) => ({ line: g.line, from: toIso(g.from, true), to: toIso(g.to, true) })),
          gapCount: r.gapCount,
          out: opts.out ?? null,
        };
        const lines = [
          `${file}: ok (${r.kind}, ${r.kept} rows${r.kept !== r.rows ? ` of ${r.rows}` : ''}, ${t.columns.length} value column${t.columns.length === 1 ? '' : 's'}${json.first ? `, ${json.first} .. ${json.last}` : ''})`,
        ];
        if (t.ignored.length > 0) lines.push(`ignored columns: ${t.ignored.join(', ')}`);
        for (const x of r.repairs) lines.push(`${file} line ${x.line}: ${x.action}: ${x.reason}`);
        if (r.repairCount > r.repairs.length) lines.push(`... and ${r.repairCount - r.repairs.length} more repairs`);
        if (r.gapCount > 0) lines.push(`gaps: ${r.gapCount} (first at line ${r.gaps[0]!.line}: ${json.gaps[0]!.from} -> ${json.gaps[0]!.to})`);
        if (opts.out) lines.push(`wrote ${opts.out}`);
        return { json, human: lines.join('\n') };
      }),
    );

  const withSource = (c: Command): Command =>
    c
      .option('--provider <name>', `data provider: ${PROVIDER_NAMES.join('|')} (default sample, or mock when USE_MOCK_DATA=true)`)
      .option('--symbol <symbol>', 'symbol (omit to list symbols)')
      .option('--csv <file>', 'read this CSV file (implies --provider csv)')
      .option('--timeframe <tf>', `${Timeframes.join('|')}`, '1d')
      .option('--start <time>', 'first bar (ISO date/time or epoch)')
      .option('--end <time>', 'last bar (ISO date/time or epoch; default now)')
      .option('--seed <n>', 'mock provider seed', '42')
      .option('--json', 'print one JSON document');

  withSource(data.command('show').description('list symbols, or show the last bars of one'))
    .option('--tail <n>', 'bars shown', '10')
    .option('--out <file>', 'also write all the bars as CSV (date,open,high,low,close,volume)')
    .action(
      action<ShowOpts>(ctx, async (opts) => {
        const { createProvider, resolveProviderName } = await import('../../data/providers/index.ts');
        const { SampleProvider } = await import('../../data/providers/sample.ts');
        const name = opts.csv ? 'csv' : resolveProviderName(opts.provider, ctx.env);
        const provider = createProvider(name, { env: ctx.env, file: opts.csv, seed: intOpt('seed', opts.seed, 42) });
        if (!opts.symbol) {
          if (provider instanceof SampleProvider) {
            const entries = provider.entries();
            return {
              json: { provider: name, symbols: entries.map((e) => ({ symbol: e.symbol, kind: e.kind, group: e.group, file: basename(e.file) })) },
              human: table(['symbol', 'kind', 'group', 'description'], entries.map((e) => [e.symbol, e.kind, e.group, e.description])),
            };
          }
          const symbols = (await provider.listSymbols?.()) ?? [];
          return { json: { provider: name, symbols: symbols.map((symbol) => ({ symbol })) }, human: `${name}: ${symbols.join(', ')}` };
        }
        const tf = timeframeOpt(opts.timeframe, '1d');
        const s = await provider.getBars({ symbol: opts.symbol, timeframe: tf, start: timeOpt('start', opts.start), end: timeOpt('end', opts.end) });
        const { tail } = await import('../../data/range.ts');
        const { seriesToCsv } = await import('../../data/csvWrite.ts');
        const last = tail(s, intOpt('tail', opts.tail, 10));
        if (opts.out) writeFileSync(opts.out, seriesToCsv(s));
        return {
          json: { provider: name, ...summary(s), bars: s.time.length, tail: barsJson(last), out: opts.out ?? null },
          human: `${s.symbol} ${s.timeframe} from ${name}: ${s.time.length} bars${s.time.length > 0 ? `, ${summary(s).first} .. ${summary(s).last}` : ''}\n${table(barHeader(last), barRows(last))}`,
        };
      }),
    );

  withSource(data.command('fetch').description('fetch bars through the local bar cache (DuckDB/Parquet), fetching only what is missing'))
    .option('--cache-dir <dir>', 'bar cache directory (default DATA_CACHE_DIR or ./.cache/bars)')
    .option('--no-cache', 'bypass the cache')
    .option('--base-url <url>', 'send requests to this host instead of the provider (proxies, tests)')
    .action(
      action<FetchOpts>(ctx, async (opts) => {
        if (!opts.symbol) throw new BadInputError('data fetch needs --symbol');
        const { createProvider, resolveProviderName } = await import('../../data/providers/index.ts');
        const { CachedProvider } = await import('../../data/barCache.ts');
        const { openStore } = await import('../../adapters/store/openStore.ts');
        const name = opts.csv ? 'csv' : resolveProviderName(opts.provider, ctx.env);
        const cfg = commandConfig(ctx, opts);
        const dir = opts.cacheDir ?? cfg.DATA_CACHE_DIR;
        let cache: BarCache | undefined;
        const provider = createProvider(name, {
          env: ctx.env,
          file: opts.csv,
          seed: intOpt('seed', opts.seed, 42),
          baseUrl: opts.baseUrl,
          cache:
            opts.cache === false
              ? undefined
              : async () => {
                  // DuckDB is loaded here only: the bundled-data paths never pay for it.
                  const { openDuckDbCache } = await import('../../adapters/data/duckdbCache.ts');
                  cache ??= await openDuckDbCache(dir);
                  return cache;
                },
        });
        const tf = timeframeOpt(opts.timeframe, '1d');
        try {
          const s = await provider.getBars({ symbol: opts.symbol, timeframe: tf, start: timeOpt('start', opts.start), end: timeOpt('end', opts.end) });
          const stats = provider instanceof CachedProvider ? provider.lastStats : undefined;
          const cacheJson = stats
            ? { dir, hit: stats.hit, fetchedBars: stats.fetchedBars, fetchedRanges: stats.fetchedRanges.map(([a, b]) => [toIso(a), toIso(b)]) }
            : null;
          const sum = summary(s);
          // The raw fetch goes into the audit trail: what was asked, from where, and what came back.
          const store = await openStore(cfg);
          try {
            await store.append({ type: 'data.fetch', subject: s.symbol, payload: { ...sum, provider: name, start: opts.start ?? null, end: opts.end ?? null, cache: cacheJson } });
          } finally {
            await store.close();
          }
          return {
            json: { provider: name, ...sum, cache: cacheJson },
            human: `${s.symbol} ${s.timeframe} from ${name}: ${s.time.length} bars${s.time.length > 0 ? `, ${sum.first} .. ${sum.last}` : ''}${
              cacheJson ? `\ncache ${dir}: ${cacheJson.hit ? 'hit' : `fetched ${cacheJson.fetchedBars} bars in ${cacheJson.fetchedRanges.length} range(s)`}` : ''
            }`,
          };
        } finally {
          await (cache as BarCache | undefined)?.close();
        }
      }),
    );

  data
    .command('resample')
    .description('resample a 1-minute (or finer) CSV to coarser session-aware bars, stamped at their close')
    .requiredOption('--csv <file>', 'input CSV of intraday bars')
    .requiredOption('--to <list>', `target timeframes, comma-separated (${Timeframes.slice(1).join(',')})`)
    .option('--out <dir>', 'write one CSV per timeframe into this directory')
    .option('--include-partial', 'also emit the last bucket when it has not closed (stamped at its last input bar)')
    .option('--session <mode>', 'us-equity (09:30-16:00 New York) or utc', 'us-equity')
    .option('--json', 'print one JSON document')
    .action(
      action<ResampleOpts>(ctx, async (opts) => {
        const targets = (opts.to ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0);
        for (const t of targets) if (!isTimeframe(t)) throw new BadInputError(`--to: unknown timeframe ${JSON.stringify(t)}; use ${Timeframes.join(', ')}`);
        if (targets.length === 0) throw new BadInputError('--to needs at least one timeframe');
        if (opts.session !== 'us-equity' && opts.session !== 'utc') throw new BadInputError(`--session must be us-equity or utc, got ${JSON.stringify(opts.session)}`);
        const file = opts.csv!;
        const base = basename(file, extname(file));
        const { loadCsvSeries } = await import('../../data/loadCsv.ts');
        const { resample } = await import('../../data/resample.ts');
        const { seriesToCsv } = await import('../../data/csvWrite.ts');
        const series = loadCsvSeries(file, { symbol: base.toUpperCase() });
        if (opts.out) mkdirSync(opts.out, { recursive: true });
        const results: Record<string, unknown>[] = [];
        const rows: (string | number)[][] = [];
        for (const s of series) {
          for (const tf of targets as Timeframe[]) {
            const r = resample(s, tf, { includePartial: opts.includePartial, session: opts.session as SessionMode });
            let out: string | null = null;
            if (opts.out) {
              out = join(opts.out, `${series.length > 1 ? `${s.symbol}_` : ''}${base}_${tf}.csv`);
              writeFileSync(out, seriesToCsv(r));
            }
            const sum = summary(r);
            results.push({ ...sum, out });
            rows.push([s.symbol, tf, r.time.length, String(sum.first ?? ''), String(sum.last ?? ''), out ?? '']);
          }
        }
        return { json: { file, from: series[0]?.timeframe ?? null, results }, human: table(['symbol', 'timeframe', 'bars', 'first', 'last', 'file'], rows) };
      }),
    );
};
