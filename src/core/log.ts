import pino, { type Logger } from 'pino';
import { SECRET_KEYS } from '../config/config.ts';

/** Paths redacted in every log line: config secrets wherever they appear, plus common credential fields. */
const REDACT = [
  ...[...SECRET_KEYS].flatMap((k) => [k, `*.${k}`]),
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
  'secretKey',
  '*.secretKey',
  'token',
  '*.token',
];

/** A pino logger writing JSON to stderr (stdout is reserved for command output). */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '***' }, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination as pino.DestinationStream);
}

export type { Logger };
