/** Number and time formatting for tables and cards; missing values show as an en dash. */

const DASH = '–';

/** A number with `d` decimals, or a dash for null/NaN. */
export function num(x: unknown, d = 2): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : DASH;
}

/** A fraction as a percentage. */
export function pct(x: unknown, d = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(d)}%` : DASH;
}

/** An ISO time as local date and time. */
export function time(iso: unknown): string {
  if (typeof iso !== 'string' && typeof iso !== 'number') return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? DASH : d.toLocaleString();
}

/** Seconds as "1 h 02 min", "3 min 20 s" or "12 s". */
export function duration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** Any value as short text (objects as compact JSON). */
export function text(x: unknown): string {
  if (x === null || x === undefined) return DASH;
  if (typeof x === 'number') return Number.isFinite(x) ? String(Math.round(x * 1e6) / 1e6) : DASH;
  if (typeof x === 'string') return x;
  if (Array.isArray(x)) return x.map(text).join('/');
  return JSON.stringify(x);
}
