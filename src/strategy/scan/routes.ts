/**
 * The scan's HTTP routes as a fastify plugin (the server registers it):
 * `POST /api/ml/scan` (the scanner's `results` -> the top signals, BUYs first) and
 * `POST /api/ml/predict` (one symbol -> one full signal). Bodies and replies
 * are declared with zod (schemas.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { isTradepilotError } from '../../core/errors.ts';
import { ErrorBody, toErrorResponse } from '../../server/httpErrors.ts';
import { analyzeStock, processCandidates, type Candidate, type ScanPipeline, type ScanSignal } from './pipeline.ts';
import { candidateTime, CandidateBody, plainJson, PredictRequest, ScanDocumentBody, ScanRequest, SignalBody } from './schemas.ts';

/** What the routes need: the pipeline (loaded lazily, so the server starts before the models are read). */
export interface ScanRouteDeps {
  pipeline: () => Promise<ScanPipeline>;
}

const ErrorReply = ErrorBody;

function toCandidate(symbol: string, b: Partial<CandidateBody> = {}): Candidate {
  return { symbol, time: candidateTime(b.time), score: b.score, trend: b.trend };
}

/**
 * A signal as checked JSON bytes, made once per signal object: the pipeline's
 * prediction cache hands out the same object for a symbol until it expires,
 * so repeated predictions cost a lookup. JSON.stringify writes NaN and
 * infinities as null, as {@link plainJson} did.
 */
const serialized = new WeakMap<ScanSignal, Buffer>();
function signalBytes(signal: ScanSignal): Buffer {
  let bytes = serialized.get(signal);
  if (bytes === undefined) {
    const text = JSON.stringify(signal);
    SignalBody.parse(JSON.parse(text));
    bytes = Buffer.from(text);
    serialized.set(signal, bytes);
  }
  return bytes;
}

/** Register the scan routes (use as `app.register(scanRoutes, deps)`). */
export async function scanRoutes(app: FastifyInstance, deps: ScanRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.setValidatorCompiler(validatorCompiler);
  r.setSerializerCompiler(serializerCompiler);
  // The server's error rendering (one error body everywhere), also when mounted on a bare fastify.
  r.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorResponse(err, req);
    return reply.code(status).send(body);
  });
  const tags = ['ml'];

  r.post(
    '/api/ml/scan',
    { schema: { tags, summary: 'Rank scanner candidates: the top signals, BUYs first, then by P(profitable)', body: ScanRequest, response: { 200: ScanDocumentBody, 400: ErrorReply, 401: ErrorReply, 429: ErrorReply } } },
    async (req) => {
      const pl = await deps.pipeline();
      const doc = await processCandidates(pl, req.body.results.map((c) => toCandidate(c.symbol, c)), { top: req.body.top, all: req.body.all, buyOnly: req.body.buy_only });
      return plainJson(doc);
    },
  );

  r.post(
    '/api/ml/predict',
    { schema: { tags, summary: 'One full signal for a symbol, with its timeframe predictions and risk metrics', body: PredictRequest, response: { 200: SignalBody, 400: ErrorReply, 401: ErrorReply, 422: ErrorReply, 429: ErrorReply } } },
    async (req, reply) => {
      const pl = await deps.pipeline();
      try {
        const signal = await analyzeStock(pl, toCandidate(req.body.symbol, req.body.momentum_data));
        // Bytes with the type set go out as they are (no zod pass per request); each signal is checked against the schema once.
        return (reply as FastifyReply).type('application/json; charset=utf-8').send(signalBytes(signal));
      } catch (err) {
        // A symbol the data cannot serve is the caller's problem (400 bad input, 422 otherwise), never a 500.
        const message = err instanceof Error ? err.message : String(err);
        if (isTradepilotError(err) && err.exitCode === 2) return reply.code(400).send({ error: { code: err.code, message } });
        return reply.code(422).send({ error: { code: 'ANALYSIS_FAILED', message } });
      }
    },
  );
}
