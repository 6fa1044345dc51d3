import { createConnection } from 'node:net';

/** Where the service-backed tests look for their servers (CI machines run both locally). */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when something accepts TCP connections at host:port within the timeout. */
export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether a service-backed suite should run. Absent service: skip with a printed
 * reason locally, but throw under CI=true, where every service must be present.
 */
export async function requireService(name: string, url: string): Promise<boolean> {
  const u = new URL(url);
  const ok = await reachable(u.hostname, Number(u.port));
  if (ok) return true;
  const reason = `${name} is not reachable at ${u.hostname}:${u.port}`;
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true requires it`);
  process.stdout.write(`skipping ${name} tests: ${reason}\n`);
  return false;
}
