import { BadInputError } from '../../core/errors.ts';
import { action, commandConfig, commandLogger, type CommandModule, type CommonOptions } from '../context.ts';

interface ServeOpts extends CommonOptions {
  port: string;
  host: string;
  corsOrigin?: string;
  bodyLimit?: string;
  trustProxy?: boolean;
  schedules: boolean;
}

/** Wait for SIGTERM or SIGINT (once). */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** `tradepilot serve`: the REST API, webhooks and cron schedules, until SIGTERM/SIGINT. */
export const registerServe: CommandModule = (program, ctx) => {
  program
    .command('serve')
    .description('run the REST API, the Twilio webhook and the scheduled jobs until SIGTERM')
    .option('--port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to bind (0.0.0.0 to expose beyond this machine)', '127.0.0.1')
    .option('--cors-origin <origins>', 'comma-separated browser origins allowed by CORS (default: CORS off)')
    .option('--body-limit <bytes>', 'largest request body (default 262144)')
    .option('--trust-proxy', 'trust X-Forwarded-* from a reverse proxy')
    .option('--no-schedules', 'serve the API only; the scheduled jobs run in another instance')
    .option('--json', 'print one JSON document when stopped')
    .action(
      action<ServeOpts>(ctx, async (opts) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BadInputError(`--port must be 0..65535, got ${JSON.stringify(opts.port)}`);
        const bodyLimit = opts.bodyLimit === undefined ? undefined : Number(opts.bodyLimit);
        if (bodyLimit !== undefined && !(Number.isInteger(bodyLimit) && bodyLimit >= 1024)) throw new BadInputError(`--body-limit must be an integer >= 1024, got ${JSON.stringify(opts.bodyLimit)}`);
        const corsOrigins = (opts.corsOrigin ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        for (const o of corsOrigins) if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new BadInputError(`--cors-origin: ${JSON.stringify(o)} is not an origin like https://app.example.com`);
        const config = commandConfig(ctx, opts);
        const logger = commandLogger(config, ctx);
        // Loaded here, not at start-up: fastify and the routes are most of the CLI's start-up time, and only serve needs them.
        const [{ buildServer }, { buildRuntime }] = await Promise.all([import('../../server/app.ts'), import('../../server/runtime.ts')]);
        const runtime = await buildRuntime(config, {
          logger,
          // The agent schedule as configured (flags > environment > .env).
          env: { ...ctx.env, AGENT_CRON: config.AGENT_CRON, AGENT_SYMBOLS: config.AGENT_SYMBOLS, AGENT_QUANTITY: config.AGENT_QUANTITY === undefined ? undefined : String(config.AGENT_QUANTITY) },
          schedules: opts.schedules,
          options: { corsOrigins, trustProxy: Boolean(opts.trustProxy), hsts: config.PUBLIC_URL?.startsWith('https://') ?? false, ...(bodyLimit ? { bodyLimit } : {}) },
        });
        const stopping = shutdownSignal();
        let app;
        try {
          app = await buildServer(runtime.deps);
          await app.listen({ port, host: opts.host });
        } catch (err) {
          await runtime.close();
          throw err;
        }
        const addr = app.server.address();
        const url = typeof addr === 'object' && addr ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : String(addr);
        if (opts.schedules) runtime.scheduler.start();
        logger.info({ url, store: runtime.deps.store.location, dryRun: config.DRY_RUN, env: config.ENV, twilio: Boolean(runtime.deps.twilio), jobs: opts.schedules ? runtime.scheduler.status().map((j) => j.name) : [] }, `listening on ${url}`);
        const signal = await stopping;
        logger.info({ signal }, 'shutting down');
        const force = setTimeout(() => {
          logger.error('shutdown took over 15 s; exiting');
          process.exit(1);
        }, 15_000);
        force.unref();
        // Stop the jobs first (a run in progress finishes), then stop taking requests, then close the store.
        await runtime.scheduler.stop();
        await app.close();
        await runtime.close();
        clearTimeout(force);
        return { json: { stopped: true, signal, url }, human: `stopped (${signal})` };
      }),
    );
};
