import { z } from 'zod';
import { ErrorCode } from '../../core/errors.ts';
import { TradingState } from '../../live/execution/guardrails.ts';
import { actorOf } from '../auth/authenticate.ts';
import { errorResponses, HttpError } from '../httpErrors.ts';
import type { RouteModule, ServerContext } from '../routeModule.ts';

/** The trading switches as the API shows them. */
const TradingBody = z
  .object({
    state: z.enum([TradingState.ACTIVE, TradingState.REDUCING, TradingState.HALTED]),
    reason: z.string(),
    since: z.string(),
    dryRun: z.boolean().describe('DRY_RUN from the configuration'),
    env: z.string(),
    live: z.object({ enabled: z.boolean(), blockers: z.array(z.string()).describe('why orders go to the paper broker (empty when live)') }),
  })
  .meta({ id: 'Trading' });

async function trading(ctx: ServerContext): Promise<z.infer<typeof TradingBody>> {
  const { gate, config } = ctx.deps;
  const [s, blockers] = await Promise.all([gate.state(), gate.liveBlockers()]);
  return { state: s.state, reason: s.reason, since: s.at, dryRun: config.DRY_RUN, env: config.ENV, live: { enabled: blockers.length === 0, blockers } };
}

/** The dry-run/live switch, the kill switch, halt and resume (mutations need role admin). */
export const adminRoutes: RouteModule = {
  name: 'admin',
  register(app, ctx) {
    const tags = ['admin'];
    const { gate } = ctx.deps;
    const admin = { auth: 'admin' as const };
    const mutation = { 200: TradingBody, ...errorResponses(400, 401, 403, 429) };

    app.get('/admin/trading', { schema: { summary: 'Trading state and whether orders would go live (and why not)', tags, response: { 200: TradingBody, ...errorResponses(401, 429) } } }, async () => trading(ctx));

    app.post(
      '/admin/live',
      {
        config: admin,
        schema: {
          summary: 'Record (or revoke) the admin approval of live trading',
          description:
            'Live orders also need DRY_RUN=false, ENV=production and a live broker. Enabling needs the ADMIN_KEY itself in `adminKey` besides an admin-role API key.',
          tags,
          body: z.object({ enabled: z.boolean(), adminKey: z.string().min(1).max(512).optional().describe('the ADMIN_KEY; required when enabling') }),
          response: mutation,
        },
      },
      async (req) => {
        if (req.body.enabled) {
          if (!req.body.adminKey) throw new HttpError(400, ErrorCode.BAD_INPUT, 'body.adminKey: required to enable live trading', 'adminKey');
          await gate.approveLive(req.body.adminKey, actorOf(req));
        } else {
          await gate.revokeLive(actorOf(req));
        }
        return trading(ctx);
      },
    );

    app.post(
      '/admin/kill',
      {
        config: admin,
        schema: {
          summary: 'Kill switch: halt trading and cancel every open order',
          tags,
          response: { 200: TradingBody.extend({ canceled: z.number().int() }), ...errorResponses(401, 403, 429) },
        },
      },
      async (req) => {
        const { canceled } = await gate.kill(actorOf(req));
        return { ...(await trading(ctx)), canceled };
      },
    );

    app.post(
      '/admin/halt',
      {
        config: admin,
        schema: { summary: 'Halt trading (orders refused; open orders kept)', tags, body: z.object({ reason: z.string().min(1).max(500) }), response: mutation },
      },
      async (req) => {
        await gate.setState(TradingState.HALTED, `${req.body.reason} (by ${actorOf(req)})`);
        return trading(ctx);
      },
    );

    app.post(
      '/admin/resume',
      {
        config: admin,
        schema: {
          summary: 'Resume trading (ACTIVE), or only let position-reducing orders through (REDUCING)',
          tags,
          body: z.object({ state: z.enum([TradingState.ACTIVE, TradingState.REDUCING]).default(TradingState.ACTIVE), reason: z.string().min(1).max(500).default('resumed') }),
          response: mutation,
        },
      },
      async (req) => {
        await gate.setState(req.body.state, `${req.body.reason} (by ${actorOf(req)})`);
        return trading(ctx);
      },
    );
  },
};
