/** Strike selection by moneyness: ATM and 5% / 10% out of or in the money, for calls and puts. */
import { BadInputError } from '../core/errors.ts';
import type { OptionType } from './blackScholes.ts';

/** Moneyness choices. */
export const StrikeChoice = { ATM: 'ATM', OTM_5: 'OTM_5', OTM_10: 'OTM_10', ITM_5: 'ITM_5', ITM_10: 'ITM_10' } as const;
export type StrikeChoice = (typeof StrikeChoice)[keyof typeof StrikeChoice];

/** Target strike for a choice: OTM calls sit above spot, OTM puts below (ITM the reverse). */
export function targetStrike(spot: number, type: OptionType, choice: StrikeChoice): number {
  const pct = { ATM: 0, OTM_5: 0.05, OTM_10: 0.1, ITM_5: -0.05, ITM_10: -0.1 }[choice];
  if (pct === undefined) throw new BadInputError(`strike: unknown choice "${String(choice)}" (use ${Object.keys(StrikeChoice).join(', ')})`);
  return type === 'call' ? spot * (1 + pct) : spot * (1 - pct);
}

/** The listed strike nearest the target (ties to the more out-of-the-money strike). */
export function selectStrike(strikes: ArrayLike<number>, spot: number, type: OptionType, choice: StrikeChoice): number {
  if (strikes.length === 0) throw new BadInputError('strike: the chain has no strikes');
  const target = targetStrike(spot, type, choice);
  let best = strikes[0]!;
  for (let i = 1; i < strikes.length; i++) {
    const k = strikes[i]!;
    const dk = Math.abs(k - target);
    const db = Math.abs(best - target);
    if (dk < db - 1e-12 || (Math.abs(dk - db) <= 1e-12 && (type === 'call' ? k > best : k < best))) best = k;
  }
  return best;
}

/** A strike ladder around spot with a step suited to the price (1 below $100, 5 below $500, else 10). */
export function strikeLadder(spot: number, widthPct = 0.2): number[] {
  const step = spot < 25 ? 0.5 : spot < 100 ? 1 : spot < 500 ? 5 : 10;
  const lo = Math.max(step, Math.floor((spot * (1 - widthPct)) / step) * step);
  const hi = Math.ceil((spot * (1 + widthPct)) / step) * step;
  const out: number[] = [];
  for (let k = lo; k <= hi + 1e-9; k += step) out.push(Math.round(k * 100) / 100);
  return out;
}
