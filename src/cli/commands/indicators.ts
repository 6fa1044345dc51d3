/** `tradepilot indicators`: the TTR reference columns of a price file, or the registry with --list. */
import { writeFileSync } from 'node:fs';
import { BadInputError } from '../../core/errors.ts';
import { toIso } from '../../core/time.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';

interface Opts extends CommonOptions {
  csv?: string;
  out?: string;
  list?: boolean;
}

/** A cell as R writes it: empty for NA, shortest round-trip decimal otherwise. */
export function csvCell(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

export const registerIndicators: CommandModule = (program, ctx) => {
  program
    .command('indicators')
    .description('compute the TTR reference indicator columns of a price CSV (--csv, --out), or list the registry (--list)')
    .option('--csv <file>', 'price CSV: date,open,high,low,close,volume or date,close')
    .option('--out <file>', 'where to write the indicator CSV')
    .option('--list', 'list every indicator with its parameters, inputs, outputs and warm-up')
    .option('--json', 'print one JSON document')
    .action(
      action<Opts>(ctx, async (opts) => {
        if (opts.list) {
          const { INDICATORS, resolveParams } = await import('../../indicators/registry.ts');
          const list = [...INDICATORS.values()].map((d) => ({
            name: d.name,
            doc: d.doc,
            params: d.params.map((p) => ({ name: p.name, default: p.default, min: p.min, integer: p.integer, doc: p.doc })),
            inputs: d.inputs,
            outputs: d.outputs,
            warmup: d.warmup(resolveParams(d)),
          }));
          return {
            json: { count: list.length, indicators: list },
            human: table(
              ['name', 'inputs', 'outputs', 'warm-up', 'params'],
              list.map((d) => [d.name, d.inputs.join(','), d.outputs.join(','), d.warmup, d.params.map((p) => `${p.name}=${p.default}`).join(' ')]),
            ),
          };
        }
        if (!opts.csv || !opts.out) throw new BadInputError('indicators needs --csv FILE and --out FILE (or --list)');
        const { readSeries } = await import('./featureInput.ts');
        const { computeTtrColumns } = await import('../../indicators/ttrColumns.ts');
        const all = readSeries(opts.csv);
        if (all.length !== 1) throw new BadInputError(`${opts.csv}: holds ${all.length} symbols; indicators takes one series (date,open,high,low,close,volume or date,close)`);
        const s = all[0]!;
        const cols = { open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume, time: s.time };
        const res = computeTtrColumns(cols, s.fields);
        const header = ['date', 'close', ...res.map((r) => r.column)];
        const lines = [header.join(',')];
        for (let i = 0; i < s.close.length; i++) {
          const row = [toIso(s.time[i]!, true), String(s.close[i])];
          for (const r of res) row.push(csvCell(r.values[i]!));
          lines.push(row.join(','));
        }
        writeFileSync(opts.out, `${lines.join('\n')}\n`);
        return {
          json: { out: opts.out, rows: s.close.length, columns: header },
          human: `wrote ${opts.out}: ${s.close.length} rows, ${res.length} indicator columns${s.fields.high ? '' : ' (close-only input: close-only indicators)'}`,
        };
      }),
    );
};
