/** `tradepilot audit lookahead`: recompute features on truncated and noise-futured histories; exit 1 on any leak. */
import { BadInputError } from '../../core/errors.ts';
import type { AuditReport } from '../../features/lookaheadAudit.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';
import { parseSession } from './features.ts';

interface Opts extends CommonOptions {
  csv?: string;
  set: string;
  timeframes?: string;
  session: string;
  cuts: string;
}

export const registerAudit: CommandModule = (program, ctx) => {
  const audit = program.command('audit').description('audits of research artefacts');
  audit
    .command('lookahead')
    .description('recompute every feature on truncated histories and on histories with the future replaced by noise; exit 1 when a past value changes')
    .option('--csv <file>', 'price CSV (one symbol, or a wide close-only table)')
    .option('--set <name>', 'feature set: default, or a feature-set file (.yaml/.json; see examples/custom-feature-set)', 'default')
    .option('--timeframes <list>', 'coarser timeframes to include, e.g. 1h,1d')
    .option('--session <mode>', 'session for resampling: us-equity or utc', 'us-equity')
    .option('--cuts <n>', 'cut points per series', '8')
    .option('--json', 'print one JSON document')
    .action(
      action<Opts>(ctx, async (opts) => {
        if (!opts.csv) throw new BadInputError('audit lookahead needs --csv FILE');
        const cuts = Number(opts.cuts);
        if (!Number.isInteger(cuts) || cuts < 1) throw new BadInputError(`--cuts must be a positive integer, got "${opts.cuts}"`);
        const { coarserThan, frameBuilder, parseTimeframes, readSeries } = await import('./featureInput.ts');
        const { resolveFeatureSet } = await import('../../features/featureSetFile.ts');
        const { auditLookahead } = await import('../../features/lookaheadAudit.ts');
        const series = readSeries(opts.csv);
        const base = series[0]!.timeframe;
        const resolved = resolveFeatureSet(opts.set, base, coarserThan(base, parseTimeframes(opts.timeframes)));
        const set = resolved.set;
        const tfs = coarserThan(base, resolved.timeframes);
        const frames = frameBuilder(tfs, parseSession(opts.session));
        const reports: AuditReport[] = series.map((s) => auditLookahead(s, set, { cuts, frames }));
        const leaks = reports.flatMap((r) => r.leaks.map((f) => ({ symbol: r.symbol, feature: f })));
        // Worst effective warm-up per feature across symbols.
        const warm = new Map<string, number>();
        for (const r of reports) for (const f of r.features) warm.set(f.name, Math.max(warm.get(f.name) ?? 0, f.warmupBars < 0 ? Infinity : f.warmupBars));
        const rows = [...warm].map(([name, w]) => [name, leaks.some((l) => l.feature === name) ? 'LEAK' : 'ok', Number.isFinite(w) ? w : 'never'] as [string, string, number | string]);
        const human = [
          table(['feature', 'verdict', 'warm-up bars (1e-9)'], rows),
          '',
          leaks.length > 0
            ? `LEAK: ${leaks.length} feature/symbol pairs change their past values: ${[...new Set(leaks.map((l) => l.feature))].join(', ')}`
            : `no lookahead: ${warm.size} features x ${series.length} series, ${cuts} cuts each, truncation and noise futures`,
        ].join('\n');
        return {
          json: { set: set.name, series: series.length, leaks, reports },
          human,
          exitCode: leaks.length > 0 ? 1 : 0,
        };
      }),
    );
};
