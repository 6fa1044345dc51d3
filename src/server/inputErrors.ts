import { DataError, ErrorCode, isTradepilotError } from '../core/errors.ts';
import { HttpError } from './httpErrors.ts';

/** Domain field names (snake_case in packs and specs) as the API bodies spell them. */
const RENAMED: Readonly<Record<string, string>> = { risk_profile: 'riskProfile' };

/**
 * The field a domain validation error is about: DataError issues carry it;
 * BadInputError messages start with it (`indicators: ...`, `stock settings: ticker: ...`).
 */
export function fieldOfError(err: unknown): string | undefined {
  if (err instanceof DataError) return err.issues[0]?.field;
  if (!isTradepilotError(err)) return undefined;
  if (typeof err.details?.field === 'string') return err.details.field;
  const settings = /^(?:stock|option|future) settings: ([A-Za-z_][\w]*)[:,]/.exec(err.message);
  if (settings) return `settings.${settings[1]}`;
  // Field names are lowercase identifiers (a symbol like `AA: ...` is not a field).
  const m = /^([a-z_][\w.[\]]*): /.exec(err.message);
  return m ? (RENAMED[m[1]!] ?? m[1]) : undefined;
}

/** Run `fn`; a bad-input domain error becomes a 400 naming its field, else `fallback` (other errors pass through). */
export async function withFieldErrors<T>(fn: () => Promise<T> | T, fallback?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isTradepilotError(err) && (err.code === ErrorCode.BAD_INPUT || err.code === ErrorCode.DATA_INVALID || err.code === ErrorCode.MODEL_INVALID)) {
      const field = fieldOfError(err) ?? fallback;
      throw new HttpError(400, err.code, err.message, field);
    }
    throw err;
  }
}
