import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { securityHeadersFor, type SecurityHeaderOptions } from './securityHeaders.ts';

/**
 * Take over the response of an SSE route: fastify steps aside (hijack), and the raw
 * response gets the security headers, the event-stream headers and, when the CORS hook
 * allowed this origin, its Access-Control-Allow-Origin. Returns the raw response to write frames to.
 */
export function startEventStream(req: FastifyRequest, reply: FastifyReply, headers: SecurityHeaderOptions): ServerResponse {
  const res = reply.raw;
  const origin = reply.getHeader('access-control-allow-origin');
  reply.hijack();
  res.writeHead(200, {
    ...securityHeadersFor(req.url, headers),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Tell nginx not to buffer the stream.
    'x-accel-buffering': 'no',
    ...(origin ? { 'access-control-allow-origin': String(origin), vary: 'Origin' } : {}),
  });
  return res;
}
