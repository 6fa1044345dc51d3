/**
 * A local HTTP server on 127.0.0.1 that answers Polygon and Tradier option-chain requests with the
 * responses in ./responses (written in each vendor's documented wire format), checks auth headers,
 * and records every request so tests can assert on the query strings.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake server. */
export interface FakeOptionsServer {
  baseUrl: string;
  requests: { path: string; auth: string | undefined }[];
  close: () => Promise<void>;
}

function body(name: string, base: string): string {
  return readFileSync(new URL(`./responses/${name}`, import.meta.url), 'utf8').replaceAll('{{BASE}}', base);
}

/** Start the server on an ephemeral port. */
export async function startFakeOptionsServer(opts: { polygonKey: string; tradierToken: string }): Promise<FakeOptionsServer> {
  const requests: FakeOptionsServer['requests'] = [];
  let base = '';
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({ path: `${url.pathname}${url.search}`, auth: req.headers.authorization });
    const send = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (url.pathname.startsWith('/v3/snapshot/options/')) {
      if (req.headers.authorization !== `Bearer ${opts.polygonKey}`) return send(401, '{"status":"ERROR","request_id":"x","error":"Unknown API Key"}');
      if (url.pathname !== '/v3/snapshot/options/SPY') return send(404, '{"status":"NOT_FOUND","request_id":"x"}');
      return send(200, body(url.searchParams.has('cursor') ? 'polygon_snapshot_spy_p2.json' : 'polygon_snapshot_spy_p1.json', base));
    }
    if (url.pathname.startsWith('/v1/markets/options/')) {
      if (req.headers.authorization !== `Bearer ${opts.tradierToken}`) return send(401, 'Invalid Access Token');
      const sym = url.searchParams.get('symbol');
      if (url.pathname === '/v1/markets/options/expirations') return send(200, body(sym === 'SPY' ? 'tradier_expirations_spy.json' : 'tradier_expirations_none.json', base));
      if (url.pathname === '/v1/markets/options/chains') {
        if (sym === 'SPY') return send(200, body('tradier_chain_spy.json', base));
        if (sym === 'XYZ') return send(200, body('tradier_chain_single.json', base));
        return send(200, '{"options":null}');
      }
    }
    if (url.pathname === '/limited') return send(429, '{}');
    send(404, '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl: base, requests, close: () => new Promise((r) => server.close(() => r())) };
}
