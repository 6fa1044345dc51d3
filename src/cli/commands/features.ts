/** `tradepilot features`: compile a feature set over a price CSV into a feature CSV plus its column metadata. */
import { writeFileSync } from 'node:fs';
import { BadInputError } from '../../core/errors.ts';
import { toIso } from '../../core/time.ts';
import type { SessionMode } from '../../data/resample.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';
import { csvCell } from './indicators.ts';

interface Opts extends CommonOptions {
  csv?: string;
  out?: string;
  set: string;
  timeframes?: string;
  session: string;
}

/** Metadata path next to the feature CSV: OUT.csv -> OUT.feature_cols.json. */
export function metaPath(out: string, colsFile: string): string {
  return `${out.replace(/\.csv$/i, '')}.${colsFile}`;
}

export function parseSession(s: string): SessionMode {
  if (s !== 'us-equity' && s !== 'utc') throw new BadInputError(`--session must be us-equity or utc, got "${s}"`);
  return s;
}

export const registerFeatures: CommandModule = (program, ctx) => {
  program
    .command('features')
    .description('compile a feature set over a price CSV (one symbol, or a wide close-only table) into a feature CSV')
    .option('--csv <file>', 'price CSV: date,open,high,low,close,volume, date,close, or date,SYM1,SYM2,...')
    .option('--out <file>', 'where to write the feature CSV (metadata goes to OUT.feature_cols.json)')
    .option('--set <name>', 'feature set: default, or a feature-set file (.yaml/.json; see examples/custom-feature-set)', 'default')
    .option('--timeframes <list>', 'also compute the coarse family on these coarser timeframes, e.g. 1h,1d')
    .option('--session <mode>', 'session for resampling: us-equity or utc', 'us-equity')
    .option('--json', 'print one JSON document')
    .action(
      action<Opts>(ctx, async (opts) => {
        if (!opts.csv || !opts.out) throw new BadInputError('features needs --csv FILE and --out FILE');
        const { coarserThan, frameBuilder, parseTimeframes, readSeries } = await import('./featureInput.ts');
        const { resolveFeatureSet } = await import('../../features/featureSetFile.ts');
        const { compileFeatureSet, featureColsMeta, FEATURE_COLS_FILE } = await import('../../features/featureSet.ts');
        const metaFile = metaPath(opts.out, FEATURE_COLS_FILE);
        const series = readSeries(opts.csv);
        const base = series[0]!.timeframe;
        const resolved = resolveFeatureSet(opts.set, base, coarserThan(base, parseTimeframes(opts.timeframes)));
        const set = resolved.set;
        const tfs = coarserThan(base, resolved.timeframes);
        const build = frameBuilder(tfs, parseSession(opts.session));
        const t0 = performance.now();
        const mats = series.map((s) => compileFeatureSet(set, build(s), base));
        const ms = performance.now() - t0;
        const m0 = mats[0]!;
        const multi = series.length > 1;
        const header = ['date', ...(multi ? ['symbol'] : []), ...m0.columns];
        const lines = [header.join(',')];
        mats.forEach((m, k) => {
          for (let i = 0; i < m.nRows; i++) {
            const row = [toIso(m.time[i]!, true), ...(multi ? [series[k]!.symbol] : [])];
            for (let j = 0; j < m.columns.length; j++) row.push(csvCell(m.data[j * m.nRows + i]!));
            lines.push(row.join(','));
          }
        });
        writeFileSync(opts.out, `${lines.join('\n')}\n`);
        const meta = { ...featureColsMeta(m0), symbols: series.map((s) => s.symbol), timeframes: [base, ...tfs] };
        writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
        const rows = mats.reduce((a, m) => a + m.nRows, 0);
        return {
          json: { out: opts.out, meta: metaFile, rows, symbols: series.length, columns: m0.columns.length, hash: m0.hash, skipped: m0.skipped, ms },
          human: `wrote ${opts.out}: ${rows} rows x ${m0.columns.length} features (${series.length} symbol${multi ? 's' : ''}, set ${set.name}, hash ${m0.hash.slice(0, 12)}), ${m0.skipped.length} skipped; built in ${ms.toFixed(0)} ms`,
        };
      }),
    );
};
