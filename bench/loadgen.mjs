/**
 * The load generator of `bench/api.bench.ts`, run as its own node process so
 * that autocannon never shares the server's event loop or heap. Reads one
 * JSON job from argv[2] ({ url, method, headers, bodies, connections, seconds }),
 * rotates through `bodies` when given, and prints one JSON result on stdout.
 */
import autocannon from 'autocannon';

const job = JSON.parse(process.argv[2]);
let n = 0;
const bodies = job.bodies ?? null;
const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.seconds,
  requests: [
    {
      method: job.method ?? 'GET',
      headers: job.headers ?? {},
      ...(bodies ? { setupRequest: (req) => ({ ...req, body: bodies[n++ % bodies.length] }) } : {}),
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  }),
);
