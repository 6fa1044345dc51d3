/** `tradepilot risk garch|copula|var|drift`: risk models on CSV columns. */
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.ts';
import type { CopulaFamily } from '../../risk/copula/copula.ts';
import type { GarchDist, GarchModel } from '../../risk/garch/spec.ts';
import { VarMethod } from '../../risk/var/varMethod.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';
import { oneOf, optionalNumber as num } from '../options.ts';

function need(flag: string, v: string | undefined): string {
  if (!v) throw new BadInputError(`--${flag} is required`);
  return v;
}

async function columnsOf(csv: string, list: string, prices: boolean): Promise<Map<string, Float64Array>> {
  const { readNumericCsv, toReturns } = await import('../../risk/io.ts');
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const t = readNumericCsv(csv, names);
  return new Map(names.map((n) => [n, prices ? toReturns(t.columns.get(n)!, true) : t.columns.get(n)!]));
}

interface GarchOpts extends CommonOptions {
  csv?: string;
  column: string;
  model: string;
  dist: string;
  mean: string;
  init: string;
  constraint: string;
  steps: string;
  periodsPerYear: string;
  prices?: boolean;
}

interface CopulaOpts extends CommonOptions {
  csv?: string;
  columns?: string;
  family: string;
  prices?: boolean;
}

interface VarOpts extends CommonOptions {
  csv?: string;
  column?: string;
  columns?: string;
  weights?: string;
  level: string;
  method: string;
  value?: string;
  prices?: boolean;
  backtestWindow?: string;
}

interface DriftOpts extends CommonOptions {
  reference?: string;
  current?: string;
  columns?: string;
  psiWarn: string;
  psiAlert: string;
  ksAlpha: string;
}

/** Register `risk` and its subcommands. */
export const registerRisk: CommandModule = (program, ctx) => {
  const risk: Command = program.command('risk').description('risk models: GARCH volatility, copulas, VaR/ES, drift');

  risk
    .command('garch')
    .description('fit GARCH(1,1) / GJR / EGARCH by maximum likelihood and forecast volatility')
    .option('--csv <file>', 'CSV file with a header row')
    .option('--column <name>', 'column of returns', 'ret')
    .option('--prices', 'the column holds prices: use log returns')
    .option('--model <m>', 'garch | gjr | egarch', 'garch')
    .option('--dist <d>', 'normal | t', 'normal')
    .option('--mean <m>', 'constant | zero', 'constant')
    .option('--init <i>', 'start-up: fcp | mci', 'fcp')
    .option('--constraint <c>', 'stationary | positive (fGarch-style box bounds only)', 'stationary')
    .option('--steps <n>', 'forecast horizon in periods', '10')
    .option('--periods-per-year <n>', 'for annualised volatility', '252')
    .option('--json', 'print one JSON document')
    .action(
      action<GarchOpts>(ctx, async (o) => {
        const y = (await columnsOf(need('csv', o.csv), o.column, Boolean(o.prices))).get(o.column)!;
        const { fitGarch } = await import('../../risk/garch/fit.ts');
        const { annualise, forecastVariance, longRunVariance, volRegime } = await import('../../risk/garch/forecast.ts');
        const fit = fitGarch(y, {
          model: oneOf<GarchModel>('model', o.model, ['garch', 'gjr', 'egarch']),
          dist: oneOf<GarchDist>('dist', o.dist, ['normal', 't']),
          mean: oneOf('mean', o.mean, ['constant', 'zero'] as const),
          init: oneOf('init', o.init, ['fcp', 'mci'] as const),
          constraint: oneOf('constraint', o.constraint, ['stationary', 'positive'] as const),
        });
        const steps = num('steps', o.steps, 1, 10000)!;
        const ppy = num('periods-per-year', o.periodsPerYear, 1, 1e6)!;
        const fv = forecastVariance(fit, steps);
        const lr = longRunVariance(fit);
        const named = (a: Float64Array): Record<string, number> => Object.fromEntries(fit.names.map((n, i) => [n, a[i]!]));
        const json = {
          model: fit.spec.model,
          dist: fit.spec.dist,
          n: fit.n,
          mu: fit.mu,
          omega: fit.omega,
          alpha: fit.alpha,
          beta: fit.beta,
          gamma: fit.gamma,
          shape: fit.shape,
          loglik: fit.loglik,
          se: named(fit.se),
          robust_se: named(fit.robustSe),
          persistence: fit.persistence,
          converged: fit.converged,
          forecast: {
            variance: Array.from(fv),
            volatility: Array.from(fv, Math.sqrt),
            annualised_vol: annualise(fv.reduce((a, b) => a + b, 0) / fv.length, ppy),
            current_vol: Math.sqrt(fit.h[fit.n - 1]!),
            long_run_vol: Math.sqrt(lr),
            regime: volRegime(fit),
          },
        };
        const rows = fit.names.map((n, i) => [n, fit.theta[i]!, fit.se[i]!, fit.robustSe[i]!]);
        const human = `${table(['param', 'estimate', 's.e.', 'robust s.e.'], rows)}\nloglik ${fit.loglik.toFixed(6)}  persistence ${fit.persistence.toFixed(4)}  regime ${json.forecast.regime}  annualised vol ${json.forecast.annualised_vol.toFixed(4)}`;
        return { json, human };
      }),
    );

  risk
    .command('copula')
    .description('fit a Gaussian or Student-t copula on rank pseudo-observations')
    .option('--csv <file>', 'CSV file with a header row')
    .option('--columns <list>', 'comma-separated columns, e.g. A,B,C')
    .option('--prices', 'the columns hold prices: use log returns')
    .option('--family <f>', 'gaussian | t', 'gaussian')
    .option('--json', 'print one JSON document')
    .action(
      action<CopulaOpts>(ctx, async (o) => {
        const cols = await columnsOf(need('csv', o.csv), need('columns', o.columns), Boolean(o.prices));
        const { empiricalTailDependence, fitCopula, tailDependence } = await import('../../risk/copula/copula.ts');
        const names = [...cols.keys()];
        const fam = oneOf<CopulaFamily>('family', o.family, ['gaussian', 't']);
        const fit = fitCopula([...cols.values()], fam);
        const d = fit.d;
        const pairs: { pair: string; rho: number; tail_dependence: number; empirical_lower: number; empirical_upper: number }[] = [];
        for (let i = 0; i < d; i++)
          for (let j = i + 1; j < d; j++) {
            const rho = fit.corr[i * d + j]!;
            const emp = empiricalTailDependence(cols.get(names[i]!)!, cols.get(names[j]!)!);
            pairs.push({ pair: `${names[i]}-${names[j]}`, rho, tail_dependence: tailDependence(fam, rho, fit.df), empirical_lower: emp.lower, empirical_upper: emp.upper });
          }
        const corr = names.map((_, i) => Array.from(fit.corr.subarray(i * d, (i + 1) * d)));
        const json = { family: fam, columns: names, n: fit.n, df: fam === 't' ? fit.df : null, loglik: fit.loglik, corr, pairs };
        const human = `${fam} copula, n=${fit.n}${fam === 't' ? `, df=${fit.df.toFixed(3)}` : ''}, loglik ${fit.loglik.toFixed(3)}\n${table(
          ['pair', 'rho', 'tail dep.', 'emp. lower', 'emp. upper'],
          pairs.map((p) => [p.pair, p.rho, p.tail_dependence, p.empirical_lower, p.empirical_upper]),
        )}`;
        return { json, human };
      }),
    );

  risk
    .command('var')
    .description('value at risk and expected shortfall of a position or portfolio, with backtests')
    .option('--csv <file>', 'CSV file with a header row')
    .option('--column <name>', 'one return column (a position)')
    .option('--columns <list>', 'several columns (a portfolio; needs --weights)')
    .option('--weights <list>', 'portfolio weights, comma-separated')
    .option('--prices', 'the columns hold prices: use log returns')
    .option('--level <p>', 'confidence level', '0.99')
    .option('--method <m>', `${Object.values(VarMethod).join(' | ')} | all`, 'all')
    .option('--value <x>', 'position value: also report money VaR/ES')
    .option('--backtest-window <n>', 'rolling window for Kupiec/Christoffersen backtests')
    .option('--json', 'print one JSON document')
    .action(
      action<VarOpts>(ctx, async (o) => {
        const csv = need('csv', o.csv);
        const level = num('level', o.level, 0.5, 0.9999)!;
        const { portfolioReturns, valueAtRisk } = await import('../../risk/var/var.ts');
        const { backtestVar, rollingVar, varHits } = await import('../../risk/var/backtest.ts');
        let r: Float64Array;
        if (o.columns) {
          const cols = await columnsOf(csv, o.columns, Boolean(o.prices));
          const w = need('weights', o.weights).split(',').map((s, i) => num(`weights[${i}]`, s)!);
          r = portfolioReturns([...cols.values()], w);
        } else {
          const c = o.column ?? 'ret';
          r = (await columnsOf(csv, c, Boolean(o.prices))).get(c)!;
        }
        const methods = o.method === 'all' ? Object.values(VarMethod) : [oneOf<VarMethod>('method', o.method, Object.values(VarMethod))];
        const value = num('value', o.value);
        const win = num('backtest-window', o.backtestWindow, 20, r.length - 1);
        const results = methods.map((m) => {
          const res = valueAtRisk(r, level, m);
          const out: Record<string, unknown> = { method: m, var: res.var, es: res.es };
          if (value !== undefined) Object.assign(out, { var_value: res.var * Math.abs(value), es_value: res.es * Math.abs(value) });
          if (win !== undefined && m !== 'fhs') {
            const v = rollingVar(r, win, (w) => valueAtRisk(w, level, m).var);
            out.backtest = backtestVar(varHits(r.subarray(win), v), level);
          }
          return out;
        });
        const json = { level, n: r.length, results };
        const human = table(
          ['method', 'VaR', 'ES', ...(value !== undefined ? ['VaR $', 'ES $'] : [])],
          results.map((x) => [x.method as string, x.var as number, x.es as number, ...(value !== undefined ? [x.var_value as number, x.es_value as number] : [])]),
        );
        return { json, human };
      }),
    );

  risk
    .command('drift')
    .description('feature drift of a current window against the training distribution (KS + PSI)')
    .option('--reference <file>', 'CSV of training features')
    .option('--current <file>', 'CSV of live features')
    .option('--columns <list>', 'features to compare (default: all shared numeric columns)')
    .option('--psi-warn <x>', 'PSI warning threshold', '0.1')
    .option('--psi-alert <x>', 'PSI alert threshold', '0.25')
    .option('--ks-alpha <p>', 'KS significance level for an alert', '0.01')
    .option('--json', 'print one JSON document')
    .action(
      action<DriftOpts>(ctx, async (o) => {
        const want = o.columns?.split(',').map((s) => s.trim());
        const { readNumericCsv } = await import('../../risk/io.ts');
        const { driftReport } = await import('../../risk/drift/drift.ts');
        const ref = readNumericCsv(need('reference', o.reference), want);
        const cur = readNumericCsv(need('current', o.current), want ?? [...ref.columns.keys()]);
        const rep = driftReport(ref.columns, cur.columns, {
          psiWarn: num('psi-warn', o.psiWarn, 0)!,
          psiAlert: num('psi-alert', o.psiAlert, 0)!,
          ksAlpha: num('ks-alpha', o.ksAlpha, 0, 1)!,
        });
        const human = `${table(
          ['feature', 'KS D', 'KS p', 'PSI', 'status'],
          rep.features.map((f) => [f.feature, f.ks.statistic, f.ks.pValue, f.psi, f.status]),
        )}${rep.alert ? `\nALERT: ${rep.alerts.join(' | ')}` : '\nno drift alert'}`;
        return { json: rep, human };
      }),
    );
};
