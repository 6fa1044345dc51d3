import { BadInputError, ErrorCode, TradepilotError } from '../../core/errors.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';

interface SmokeOpts extends CommonOptions {
  url: string;
  key?: string;
  timeout: string;
}

interface HealthDoc {
  status: string;
  version?: string;
  checks?: Record<string, { ok: boolean; detail: string; latencyMs?: number }>;
}

/** `tradepilot smoke`: ask a running server's /health (and, with --key, an authenticated route); exit 1 when unhealthy. */
export const registerSmoke: CommandModule = (program, ctx) => {
  program
    .command('smoke')
    .description('health check of a running server: exit 0 when healthy, 1 otherwise')
    .option('--url <url>', 'the server', 'http://127.0.0.1:8080')
    .option('--key <key>', 'an API key: also check that authenticated routes answer (or TRADEPILOT_API_KEY)')
    .option('--timeout <ms>', 'per-request timeout', '5000')
    .option('--json', 'print one JSON document')
    .action(
      action<SmokeOpts>(ctx, async (opts) => {
        let base: URL;
        try {
          base = new URL(opts.url);
        } catch {
          throw new BadInputError(`--url is not a URL: ${JSON.stringify(opts.url)}`);
        }
        const timeout = Number(opts.timeout);
        if (!Number.isInteger(timeout) || timeout <= 0) throw new BadInputError(`--timeout must be a positive integer, got ${JSON.stringify(opts.timeout)}`);
        const get = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> => {
          const url = new URL(path, base);
          try {
            const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeout) });
            const text = await res.text();
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // Not JSON: keep the text.
            }
            return { status: res.status, body };
          } catch (err) {
            throw new TradepilotError(ErrorCode.NETWORK, `${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
          }
        };
        const health = await get('/health');
        const doc = health.body as HealthDoc;
        const checks = doc?.checks ?? {};
        const key = opts.key ?? ctx.env.TRADEPILOT_API_KEY;
        let auth: { status: number; ok: boolean } | null = null;
        if (key) {
          const r = await get('/events?limit=1', { authorization: `Bearer ${key}` });
          auth = { status: r.status, ok: r.status === 200 };
        }
        const healthy = health.status === 200 && doc?.status === 'ok' && (auth === null || auth.ok);
        const rows = Object.entries(checks).map(([name, c]) => [name, c.ok ? 'ok' : 'FAIL', c.detail]);
        if (auth) rows.push(['api key', auth.ok ? 'ok' : 'FAIL', `GET /events answered ${auth.status}`]);
        return {
          json: { url: base.toString(), healthy, httpStatus: health.status, health: health.body, ...(auth ? { auth } : {}) },
          human: `${base.origin}: ${healthy ? 'healthy' : 'UNHEALTHY'} (HTTP ${health.status})\n${table(['check', 'status', 'detail'], rows)}`,
          exitCode: healthy ? 0 : 1,
        };
      }),
    );
};
