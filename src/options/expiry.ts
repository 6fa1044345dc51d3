/**
 * Listed equity-option expiries: monthly (third Friday) and weekly (every Friday), moved to the
 * previous trading day when the Friday is an NYSE holiday; selection by days to expiry.
 */
import { BadInputError } from '../core/errors.ts';
import { isoDate, nthWeekday, parseIsoDate, previousTradingDay } from './nyseCalendar.ts';

const DAY = 86_400_000;

/** One expiry date and whether it is the standard monthly. */
export interface Expiry {
  date: string;
  monthly: boolean;
  /** Calendar days from the as-of date. */
  dte: number;
}

/** Expiries strictly after `asOf` up to `horizonDays` calendar days; weeklies optional. */
export function listExpiries(asOf: string, horizonDays: number, weeklies = true): Expiry[] {
  const t0 = parseIsoDate(asOf);
  if (Number.isNaN(t0)) throw new BadInputError(`expiry: as-of date "${asOf}" is not YYYY-MM-DD`);
  const end = t0 + horizonDays * DAY;
  const out: Expiry[] = [];
  const monthlySet = new Set<number>();
  const d0 = new Date(t0);
  for (let y = d0.getUTCFullYear(), m = d0.getUTCMonth() + 1; ; m++) {
    if (m > 12) {
      m = 1;
      y++;
    }
    const third = nthWeekday(y, m, 5, 3);
    if (third - 7 * DAY > end) break;
    monthlySet.add(third);
  }
  // Fridays from the first Friday after asOf.
  let fri = t0 + (((5 - d0.getUTCDay() + 7) % 7) || 7) * DAY;
  for (; fri <= end + 7 * DAY; fri += 7 * DAY) {
    const monthly = monthlySet.has(fri);
    if (!monthly && !weeklies) continue;
    const day = previousTradingDay(fri);
    if (day <= t0 || day > end) continue;
    out.push({ date: isoDate(day), monthly, dte: Math.round((day - t0) / DAY) });
  }
  return out;
}

/** The expiry whose DTE is nearest `targetDte` (ties go to the later one), at least `minDte` days out. */
export function selectExpiry(asOf: string, targetDte: number, opts: { weeklies?: boolean; minDte?: number } = {}): Expiry {
  if (!(targetDte >= 0)) throw new BadInputError(`expiry: target DTE must be >= 0 (got ${targetDte})`);
  const minDte = opts.minDte ?? 0;
  const list = listExpiries(asOf, Math.max(targetDte * 2, targetDte + 70, minDte + 70), opts.weeklies ?? true).filter((e) => e.dte >= minDte);
  let best = list[0];
  if (!best) throw new BadInputError(`expiry: no expiry after ${asOf} with DTE >= ${minDte}`);
  for (const e of list) if (Math.abs(e.dte - targetDte) <= Math.abs(best.dte - targetDte)) best = e;
  return best;
}
