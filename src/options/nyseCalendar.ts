/**
 * NYSE full-day holidays computed by rule (NYSE Rule 7.2): New Year's Day, Martin Luther King Jr.
 * Day (from 1998), Washington's Birthday, Good Friday, Memorial Day, Juneteenth (from 2022),
 * Independence Day, Labor Day, Thanksgiving, Christmas. Saturday holidays are observed the Friday
 * before (except New Year's Day), Sunday holidays the Monday after. One-off closures (e.g.
 * 2012-10-29/30, national days of mourning) are not rules and are not included.
 */

const DAY = 86_400_000;

/** 'YYYY-MM-DD' of a UTC epoch-ms date. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms (UTC midnight) of 'YYYY-MM-DD'; NaN when malformed. */
export function parseIsoDate(s: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return NaN;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(ms) && isoDate(ms) === s ? ms : NaN;
}

function utc(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d);
}

/** The n-th (1-based) weekday `dow` (0 = Sunday) of a month; n = -1 for the last. */
export function nthWeekday(year: number, month: number, dow: number, n: number): number {
  if (n > 0) {
    const first = utc(year, month, 1);
    const shift = (dow - new Date(first).getUTCDay() + 7) % 7;
    return first + (shift + 7 * (n - 1)) * DAY;
  }
  const last = utc(year, month + 1, 1) - DAY;
  const back = (new Date(last).getUTCDay() - dow + 7) % 7;
  return last - back * DAY;
}

/** Easter Sunday (Gregorian, anonymous algorithm of Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}

function observed(ms: number, saturdayToFriday = true): number | null {
  const dow = new Date(ms).getUTCDay();
  if (dow === 6) return saturdayToFriday ? ms - DAY : null;
  if (dow === 0) return ms + DAY;
  return ms;
}

const cache = new Map<number, Set<string>>();

/** The NYSE holidays of a calendar year as 'YYYY-MM-DD' strings. */
export function nyseHolidays(year: number): Set<string> {
  const hit = cache.get(year);
  if (hit) return hit;
  const days: (number | null)[] = [
    observed(utc(year, 1, 1), false),
    year >= 1998 ? nthWeekday(year, 1, 1, 3) : null,
    nthWeekday(year, 2, 1, 3),
    easterSunday(year) - 2 * DAY,
    nthWeekday(year, 5, 1, -1),
    year >= 2022 ? observed(utc(year, 6, 19)) : null,
    observed(utc(year, 7, 4)),
    nthWeekday(year, 9, 1, 1),
    nthWeekday(year, 11, 4, 4),
    observed(utc(year, 12, 25)),
  ];
  const set = new Set(days.filter((d): d is number => d !== null).map(isoDate));
  cache.set(year, set);
  return set;
}

/** True on a weekday that is not an NYSE holiday. */
export function isTradingDay(ms: number): boolean {
  const dow = new Date(ms).getUTCDay();
  if (dow === 0 || dow === 6) return false;
  const iso = isoDate(ms);
  return !nyseHolidays(Number(iso.slice(0, 4))).has(iso);
}

/** The latest trading day on or before `ms`. */
export function previousTradingDay(ms: number): number {
  let d = ms;
  while (!isTradingDay(d)) d -= DAY;
  return d;
}
