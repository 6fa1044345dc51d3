import { isTradepilotError, TradepilotError, ErrorCode } from '../core/errors.ts';

/** What every command action returns: one JSON document, and how to say it to a person. */
export interface CommandResult<T = unknown> {
  /** Exactly what `--json` prints. */
  json: T;
  /** Concise human output (tables, a few lines). */
  human: string;
  /** Exit code; 0 unless the command itself decides the run failed (e.g. a leak found). */
  exitCode?: 0 | 1 | 2;
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const processStreams: OutputStreams = { stdout: process.stdout, stderr: process.stderr };

/** Print a result; with --json exactly one JSON document goes to stdout. */
export function emit(result: CommandResult, asJson: boolean, io: OutputStreams = processStreams): number {
  if (asJson) io.stdout.write(`${JSON.stringify(result.json, jsonReplacer, 2)}\n`);
  else if (result.human.length > 0) io.stdout.write(result.human.endsWith('\n') ? result.human : `${result.human}\n`);
  return result.exitCode ?? 0;
}

/** Print an error: a JSON error document under --json, one clear message otherwise; never a stack trace for known errors. */
export function emitError(err: unknown, asJson: boolean, io: OutputStreams = processStreams): 1 | 2 {
  const e = toTradepilotError(err);
  if (asJson) io.stdout.write(`${JSON.stringify({ error: e.toJSON() }, jsonReplacer, 2)}\n`);
  io.stderr.write(`error [${e.code}]: ${e.message}\n`);
  if (!isTradepilotError(err) && process.env.LOG_LEVEL === 'debug' && err instanceof Error) io.stderr.write(`${err.stack}\n`);
  return e.exitCode;
}

function toTradepilotError(err: unknown): TradepilotError {
  if (isTradepilotError(err)) return err;
  if (err instanceof Error && 'code' in err && (err as { code?: string }).code === 'commander.invalidArgument') {
    return new TradepilotError(ErrorCode.BAD_INPUT, err.message);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new TradepilotError(ErrorCode.INTERNAL, message, undefined, { cause: err });
}

/** JSON that survives typed arrays and non-finite numbers (NaN/Infinity become null). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A fixed-width text table: header row, rule, rows. Numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = rows.map((r) => r.map((c) => formatCell(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  // Right-align columns whose every cell reads as a number (12.5, -3.1%, 1,024).
  const numeric = header.map((_, i) => cells.length > 0 && cells.every((r) => r[i] === undefined || r[i] === '' || /^[-+]?[\d.,]+(e[-+]?\d+)?%?\*?$|^n\/a$/.test(r[i]!)));
  const line = (r: readonly string[]): string =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function formatCell(c: string | number | null | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') {
    if (!Number.isFinite(c)) return 'n/a';
    if (Number.isInteger(c)) return String(c);
    return Math.abs(c) >= 1000 ? c.toFixed(0) : Math.abs(c) >= 1 ? c.toFixed(2) : c.toFixed(4);
  }
  return c;
}

/** An ISO-8601 time as `YYYY-MM-DD HH:MM:SS`, for table cells. */
export function stamp(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/** Percent with sign, for summaries. */
export function pct(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a';
}
