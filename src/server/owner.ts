import type { FastifyRequest } from 'fastify';
import { ErrorCode } from '../core/errors.ts';
import { HttpError } from './httpErrors.ts';

/**
 * The user a request acts for: its API key's id. Models, sweeps, backtests
 * and custom packs belong to the key that made them (ids are stable, keys are not shown).
 */
export function ownerOf(req: FastifyRequest): string {
  if (!req.principal) throw new HttpError(401, ErrorCode.UNAUTHORIZED, 'an API key is required');
  return req.principal.keyId;
}
