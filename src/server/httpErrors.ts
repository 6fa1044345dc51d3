import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCode, isTradepilotError, type TradepilotError } from '../core/errors.ts';

/** The one error body every API route answers with. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('machine-readable code, e.g. BAD_INPUT, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, RATE_LIMITED, PAYLOAD_TOO_LARGE'),
      message: z.string(),
      field: z.string().optional().describe('the offending field of a 400 (dot path inside its location)'),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** An error with an HTTP status, thrown by hooks and handlers and rendered as {@link ErrorBody}. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  DATA_INVALID: 400,
  CONFIG_INVALID: 400,
  MODEL_INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  ORDER_REJECTED: 422,
  DATA_UNAVAILABLE: 502,
  BROKER_FAILED: 502,
  NETWORK: 502,
  CANCELLED: 409,
  STORE_FAILED: 500,
  INTERNAL: 500,
};

/** Codes for fastify's own errors (body parsing and limits), by status. */
const FASTIFY_CODES: Readonly<Record<number, string>> = {
  400: ErrorCode.BAD_INPUT,
  404: ErrorCode.NOT_FOUND,
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: ErrorCode.RATE_LIMITED,
};

/** Render any thrown value as a status and an {@link ErrorBody}; 5xx never leak internals. */
export function toErrorResponse(err: unknown, req?: FastifyRequest): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.statusCode, body: body(err.code, err.message, err.field) };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issue = err.validation[0]!;
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = path || where;
    return { status: 400, body: body(ErrorCode.BAD_INPUT, `${where}${path ? `.${path}` : ''}: ${issue.message}`, field) };
  }
  if (isTradepilotError(err)) {
    const e = err as TradepilotError;
    const status = STATUS_OF[e.code] ?? 500;
    const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
    return status >= 500 ? { status, body: body(e.code, 'internal error') } : { status, body: body(e.code, e.message, field) };
  }
  const fe = err as FastifyError;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 && !isResponseSerializationError(fe as never)) {
    return { status: fe.statusCode, body: body(FASTIFY_CODES[fe.statusCode] ?? ErrorCode.BAD_INPUT, fe.message) };
  }
  req?.log.error({ err }, 'unhandled error');
  return { status: 500, body: body(ErrorCode.INTERNAL, 'internal error') };
}

function body(code: string, message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Install the error and not-found handlers that give every failure the same body. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply: FastifyReply) => {
    const { status, body: b } = toErrorResponse(err, req);
    if (status === 429 && err instanceof HttpError && reply.getHeader('retry-after') === undefined) reply.header('retry-after', '60');
    return reply.code(status).type('application/json; charset=utf-8').send(b);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).type('application/json; charset=utf-8').send(body(ErrorCode.NOT_FOUND, `no route ${req.method} ${req.url.split('?')[0]}`));
  });
}

/** Standard error responses to merge into a route's `response` schema (for the OpenAPI document). */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  const out: Record<number, typeof ErrorBody> = {};
  for (const s of statuses) out[s] = ErrorBody;
  return out;
}
