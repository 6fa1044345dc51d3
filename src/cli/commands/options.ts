/** `tradepilot options price|iv|select`: Black-Scholes values, implied vol and contract selection. */
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.ts';
import { blackScholes, type OptionType } from '../../options/blackScholes.ts';
import { mid, pickContract, type OptionChain } from '../../options/chain.ts';
import { selectExpiry } from '../../options/expiry.ts';
import { optionExits } from '../../options/exits.ts';
import { impliedVol } from '../../options/impliedVol.ts';
import { parseIsoDate } from '../../options/nyseCalendar.ts';
import { StrikeChoice } from '../../options/strikes.ts';
import { syntheticChain } from '../../options/syntheticChain.ts';
import { action, commandConfig, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';

function req(flag: string, v: string | undefined, lo = -Infinity): number {
  if (v === undefined) throw new BadInputError(`--${flag} is required`);
  const x = Number(v);
  if (!Number.isFinite(x) || x < lo) throw new BadInputError(`--${flag}: "${v}" must be a number >= ${lo}`);
  return x;
}

function optType(v: string): OptionType {
  if (v !== 'call' && v !== 'put') throw new BadInputError(`--type: "${v}" is not call or put`);
  return v;
}

/** Years to expiry from --t or from --expiry and --as-of (calendar days / 365). */
function years(o: { t?: string; expiry?: string; asOf?: string }): number {
  if (o.t !== undefined) return req('t', o.t, 0);
  if (!o.expiry) throw new BadInputError('give --t <years> or --expiry YYYY-MM-DD');
  const e = parseIsoDate(o.expiry);
  const a = parseIsoDate(o.asOf ?? new Date().toISOString().slice(0, 10));
  if (Number.isNaN(e) || Number.isNaN(a)) throw new BadInputError('--expiry and --as-of must be YYYY-MM-DD');
  if (e < a) throw new BadInputError(`--expiry ${o.expiry} is before the as-of date`);
  return (e - a) / 86_400_000 / 365;
}

interface PriceOpts extends CommonOptions {
  type: string;
  spot?: string;
  strike?: string;
  t?: string;
  expiry?: string;
  asOf?: string;
  rate: string;
  vol?: string;
  div: string;
  price?: string;
}

interface SelectOpts extends CommonOptions {
  underlying: string;
  type: string;
  choice: string;
  dte: string;
  asOf?: string;
  spot?: string;
  vol: string;
  rate: string;
  div: string;
  weeklies: boolean;
  source: string;
  stop?: string;
  target?: string;
}

function common(cmd: Command): Command {
  return cmd
    .option('--type <t>', 'call | put', 'call')
    .option('--spot <x>', 'underlying price')
    .option('--strike <k>', 'strike')
    .option('--t <years>', 'time to expiry in years')
    .option('--expiry <date>', 'expiry date (with --as-of), instead of --t')
    .option('--as-of <date>', 'valuation date YYYY-MM-DD (default today, UTC)')
    .option('--rate <r>', 'risk-free rate, continuous', '0')
    .option('--div <q>', 'dividend yield, continuous', '0')
    .option('--json', 'print one JSON document');
}

/** Register `options` and its subcommands. */
export const registerOptions: CommandModule = (program, ctx) => {
  const options = program.command('options').description('options: Black-Scholes prices and greeks, implied vol, contract selection');

  common(options.command('price').description('Black-Scholes-Merton price and greeks'))
    .option('--vol <sigma>', 'volatility, e.g. 0.2')
    .action(
      action<PriceOpts>(ctx, async (o) => {
        const r = blackScholes({ type: optType(o.type), spot: req('spot', o.spot), strike: req('strike', o.strike), t: years(o), rate: req('rate', o.rate), vol: req('vol', o.vol, 0), div: req('div', o.div) });
        return { json: r, human: table(['price', 'delta', 'gamma', 'theta/yr', 'vega', 'rho'], [[r.price, r.delta, r.gamma, r.theta, r.vega, r.rho]]) };
      }),
    );

  common(options.command('iv').description('implied volatility from an option price'))
    .option('--price <p>', 'option price')
    .action(
      action<PriceOpts>(ctx, async (o) => {
        const iv = impliedVol({ type: optType(o.type), price: req('price', o.price), spot: req('spot', o.spot), strike: req('strike', o.strike), t: years(o), rate: req('rate', o.rate), div: req('div', o.div) });
        return { json: { iv }, human: `implied vol ${iv.toFixed(6)}` };
      }),
    );

  options
    .command('select')
    .description('pick expiry by DTE and strike by moneyness from a chain (synthetic, Polygon or Tradier)')
    .option('--underlying <sym>', 'underlying symbol', 'SPY')
    .option('--type <t>', 'call | put', 'call')
    .option('--choice <c>', Object.keys(StrikeChoice).join(' | '), 'ATM')
    .option('--dte <days>', 'target days to expiry', '30')
    .option('--as-of <date>', 'YYYY-MM-DD (default today, UTC)')
    .option('--spot <x>', 'underlying price (required for synthetic chains)')
    .option('--vol <sigma>', 'volatility for a synthetic chain', '0.2')
    .option('--rate <r>', 'risk-free rate, continuous', '0.04')
    .option('--div <q>', 'dividend yield, continuous', '0')
    .option('--no-weeklies', 'monthly expiries only')
    .option('--source <s>', 'synthetic | polygon (POLYGON_API_KEY) | tradier (TRADIER_TOKEN)', 'synthetic')
    .option('--stop <price>', 'underlying stop level: report the option stop-loss premium')
    .option('--target <price>', 'underlying target level: report the option take-profit premium')
    .option('--json', 'print one JSON document')
    .action(
      action<SelectOpts>(ctx, async (o) => {
        const type = optType(o.type);
        if (!(o.choice in StrikeChoice)) throw new BadInputError(`--choice: "${o.choice}" is not one of ${Object.keys(StrikeChoice).join(', ')}`);
        const choice = o.choice as StrikeChoice;
        const asOf = o.asOf ?? new Date().toISOString().slice(0, 10);
        const dte = req('dte', o.dte, 0);
        const rate = req('rate', o.rate);
        const div = req('div', o.div);
        let chain: OptionChain;
        let expiry: string;
        if (o.source === 'synthetic') {
          const spot = req('spot', o.spot, 0);
          expiry = selectExpiry(asOf, dte, { weeklies: o.weeklies }).date;
          chain = syntheticChain({ underlying: o.underlying, spot, vol: req('vol', o.vol, 0), asOf, rate, div, horizonDays: Math.max(dte * 2, 60), weeklies: o.weeklies });
        } else if (o.source === 'tradier') {
          // Flags > environment > .env, like every other setting.
          const conf = commandConfig(ctx, o);
          const token = conf.TRADIER_TOKEN;
          if (!token) throw new BadInputError('TRADIER_TOKEN is not set');
          const cfg = { token, baseUrl: conf.TRADIER_BASE_URL };
          const { tradierExpirations, tradierOptionChain } = await import('../../adapters/options/tradierOptions.ts');
          const list = await tradierExpirations(o.underlying, cfg);
          expiry = nearestListed(list, asOf, dte);
          chain = await tradierOptionChain(o.underlying, expiry, cfg);
          chain.spot = o.spot !== undefined ? req('spot', o.spot, 0) : undefined;
        } else if (o.source === 'polygon') {
          const conf = commandConfig(ctx, o);
          const apiKey = conf.POLYGON_API_KEY;
          if (!apiKey) throw new BadInputError('POLYGON_API_KEY is not set');
          const { polygonOptionChain } = await import('../../adapters/options/polygonOptions.ts');
          chain = await polygonOptionChain(o.underlying, { apiKey, baseUrl: conf.POLYGON_BASE_URL }, { contractType: type });
          expiry = nearestListed([...new Set(chain.quotes.map((q) => q.expiry))], asOf, dte);
          if (o.spot !== undefined) chain.spot = req('spot', o.spot, 0);
        } else throw new BadInputError(`--source: "${o.source}" is not synthetic, polygon or tradier`);
        const q = pickContract(chain, expiry, type, choice);
        const spot = chain.spot!;
        const t = (parseIsoDate(q.expiry) - parseIsoDate(asOf)) / 86_400_000 / 365;
        const price = mid(q);
        const vol = q.iv ?? (price > 0 && t > 0 ? impliedVol({ type, price, spot, strike: q.strike, t, rate, div }) : req('vol', o.vol, 0));
        const exits =
          o.stop !== undefined && o.target !== undefined ? optionExits({ type, spot, strike: q.strike, t, rate, vol, div }, { stop: req('stop', o.stop, 0), target: req('target', o.target, 0) }) : null;
        const json = { source: chain.source, underlying: o.underlying, spot, as_of: asOf, expiry: q.expiry, dte: Math.round(t * 365), contract: q, mid: price, vol, exits };
        const human = `${q.symbol}  ${type} ${q.strike} exp ${q.expiry} (${json.dte} DTE)  bid ${q.bid} ask ${q.ask}  mid ${price.toFixed(2)}  vol ${vol.toFixed(4)}${
          exits ? `\nstop-loss premium ${exits.stopLoss.toFixed(2)} (underlying ${o.stop}), take-profit ${exits.takeProfit.toFixed(2)} (underlying ${o.target})` : ''
        }`;
        return { json, human };
      }),
    );
};

function nearestListed(dates: readonly string[], asOf: string, dte: number): string {
  const a = parseIsoDate(asOf);
  let best: string | undefined;
  let bd = Infinity;
  for (const d of dates) {
    const days = (parseIsoDate(d) - a) / 86_400_000;
    if (days < 0) continue;
    if (Math.abs(days - dte) <= bd) {
      bd = Math.abs(days - dte);
      best = d;
    }
  }
  if (!best) throw new BadInputError(`no listed expiry on or after ${asOf}`);
  return best;
}
