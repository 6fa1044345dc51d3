/** Error codes: each names one kind of failure; docs/troubleshooting.md explains each (a test holds it complete). */
export const ErrorCode = {
  BAD_INPUT: 'BAD_INPUT',
  DATA_INVALID: 'DATA_INVALID',
  DATA_UNAVAILABLE: 'DATA_UNAVAILABLE',
  CONFIG_INVALID: 'CONFIG_INVALID',
  STORE_FAILED: 'STORE_FAILED',
  MODEL_INVALID: 'MODEL_INVALID',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  ORDER_REJECTED: 'ORDER_REJECTED',
  BROKER_FAILED: 'BROKER_FAILED',
  NETWORK: 'NETWORK',
  CANCELLED: 'CANCELLED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes that mean "the user gave us something wrong" map to CLI exit code 2. */
const BAD_INPUT_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.BAD_INPUT,
  ErrorCode.DATA_INVALID,
  ErrorCode.CONFIG_INVALID,
  ErrorCode.MODEL_INVALID,
]);

/** Base of every error we throw on purpose: a code and a human message. */
export class TradepilotError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
  /** CLI exit code: 2 for bad input, 1 for any other failure. */
  get exitCode(): 1 | 2 {
    return BAD_INPUT_CODES.has(this.code) ? 2 : 1;
  }
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: { ...this.details } } : { code: this.code, message: this.message };
  }
}

/** One problem at a place in an input file (line numbers as an editor shows them, header = 1). */
export interface Issue {
  line?: number;
  field?: string;
  reason: string;
}

/** A bad input file or series: carries every problem found (up to a limit). */
export class DataError extends TradepilotError {
  readonly source: string;
  readonly issues: readonly Issue[];
  constructor(source: string, issues: readonly Issue[], options?: { cause?: unknown }) {
    super(ErrorCode.DATA_INVALID, formatIssues(source, issues), { source, issues: issues.slice() }, options);
    this.source = source;
    this.issues = issues;
  }
}

export function formatIssue(source: string, issue: Issue): string {
  const where = issue.line !== undefined ? `${source} line ${issue.line}` : source;
  return issue.field ? `${where}: ${issue.field}: ${issue.reason}` : `${where}: ${issue.reason}`;
}

function formatIssues(source: string, issues: readonly Issue[]): string {
  if (issues.length === 0) return `${source}: invalid`;
  return issues.map((i) => formatIssue(source, i)).join('\n');
}

export class ConfigError extends TradepilotError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.CONFIG_INVALID, message, details);
  }
}

export class NotFoundError extends TradepilotError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.NOT_FOUND, message, details);
  }
}

export class BadInputError extends TradepilotError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.BAD_INPUT, message, details);
  }
}

export function isTradepilotError(e: unknown): e is TradepilotError {
  return e instanceof TradepilotError;
}
