/**
 * The confirmation SMS and its replies. The outbound text is fixed by the
 * requirement, character for character (em dashes included).
 */

/** `"<SYMBOL> signal: <SIGNAL> — Confidence: <n%> — Reply YES to execute, NO to skip. ID:<uid>"` */
export function confirmationText(symbol: string, signal: string, confidence: number, id: string): string {
  return `${symbol} signal: ${signal} — Confidence: ${Math.round(confidence * 100)}% — Reply YES to execute, NO to skip. ID:${id}`;
}

export type ReplyDecision = 'YES' | 'NO';

export interface ParsedReply {
  decision: ReplyDecision;
  /** The confirmation id when the reply names one (`YES ABCD1234`, `no id:abcd1234`). */
  id?: string;
}

const YES = new Set(['YES', 'Y']);
const NO = new Set(['NO', 'N']);

/**
 * Parse an SMS reply: YES or NO, case-insensitive, optionally followed by the id
 * (with or without `ID:`), surrounding punctuation ignored. Anything else is null.
 */
export function parseReply(body: string): ParsedReply | null {
  const words = body
    .trim()
    .toUpperCase()
    .replace(/[.!,;]+$/g, '')
    .split(/[\s,]+/)
    .filter((w) => w.length > 0);
  if (words.length === 0 || words.length > 3) return null;
  const first = words[0]!;
  const decision: ReplyDecision | null = YES.has(first) ? 'YES' : NO.has(first) ? 'NO' : null;
  if (!decision) return null;
  const rest = words.slice(1).join('');
  if (rest.length === 0) return { decision };
  const id = rest.replace(/^ID:?/, '');
  return /^[0-9A-Z]{4,32}$/.test(id) ? { decision, id } : null;
}

/** The reply sent back to anything that is not a YES or NO. */
export const REPLY_GUIDANCE = 'Reply YES to execute or NO to skip, optionally followed by the ID from the alert (e.g. "YES ABCD1234").';
