/** Built-in feature sources that are not indicators: calendar fields and the momentum-scanner scores. */
import { getIndicator } from '../indicators/registry.ts';
import type { Columns, InputField, Params } from '../indicators/types.ts';
import { momentumScore, pctChangeComponent, rsiComponent, rvolComponent, volumeComponent } from './momentumScore.ts';

/** A feature source: like an indicator's batch form, without a streaming form. */
export interface FeatureSource {
  inputs: readonly InputField[];
  outputs: readonly string[];
  resolve(given: Record<string, number> | undefined): Params;
  compute(cols: Columns, p: Params): Float64Array[];
}

const noParams = (name: string) => (given: Record<string, number> | undefined): Params => {
  if (given && Object.keys(given).length > 0) throw new RangeError(`${name} takes no parameters`);
  return {};
};

/**
 * UTC month (1-12), day of week (0 = Sunday) and day of month of epoch-ms `t`
 * into out[k]: integer civil-from-days arithmetic (H. Hinnant), no Date per bar.
 */
export function utcCalendarInto(t: Float64Array, month: Float64Array, dow: Float64Array, dom: Float64Array): void {
  for (let i = 0; i < t.length; i++) {
    const ms = t[i]!;
    if (!Number.isFinite(ms)) {
      month[i] = dow[i] = dom[i] = NaN;
      continue;
    }
    const z = Math.floor(ms / 86_400_000);
    // 1970-01-01 was a Thursday (4).
    dow[i] = z - 7 * Math.floor((z + 4) / 7) + 4;
    const zz = z + 719_468;
    const era = Math.floor(zz / 146_097);
    const doe = zz - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    dom[i] = doy - Math.floor((153 * mp + 2) / 5) + 1;
    month[i] = mp < 10 ? mp + 3 : mp - 9;
  }
}

/** UTC month (1-12), day of week (0 = Sunday) and day of month of each bar. */
const calendar: FeatureSource = {
  inputs: ['close'],
  outputs: ['month', 'dow', 'dom'],
  resolve: noParams('calendar'),
  compute(cols) {
    const n = cols.close.length;
    const month = new Float64Array(n);
    const dow = new Float64Array(n);
    const dom = new Float64Array(n);
    if (cols.time) utcCalendarInto(cols.time, month, dow, dom);
    else {
      month.fill(NaN);
      dow.fill(NaN);
      dom.fill(NaN);
    }
    return [month, dow, dom];
  },
};

/** The momentum-scanner components (see momentumScore.ts) and the score: RSI(14), RVOL(20), 1-bar change, volume. */
const momentum: FeatureSource = {
  inputs: ['close', 'volume'],
  outputs: ['rsi', 'rvol', 'pct_change', 'volume', 'score'],
  resolve: noParams('momentum'),
  compute(cols) {
    const c = cols.close;
    const v = cols.volume!;
    const n = c.length;
    const rsi = getIndicator('rsi').batch(cols, { n: 14 })[0]!;
    const rvol = getIndicator('rvol').batch(cols, { n: 20 })[0]!;
    const out = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let i = 0; i < n; i++) {
      const ch = i > 0 ? c[i]! / c[i - 1]! - 1 : NaN;
      out[0]![i] = rsiComponent(rsi[i]!);
      out[1]![i] = rvolComponent(rvol[i]!);
      out[2]![i] = pctChangeComponent(ch);
      out[3]![i] = volumeComponent(v[i]!);
      out[4]![i] = momentumScore(rsi[i]!, rvol[i]!, ch, v[i]!);
    }
    return out;
  },
};

/** Sources by name; the feature compiler looks here before the indicator registry. */
export const FEATURE_SOURCES: ReadonlyMap<string, FeatureSource> = new Map([
  ['calendar', calendar],
  ['momentum', momentum],
]);
