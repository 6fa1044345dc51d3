import { sql } from 'kysely';
import type { Store } from '../adapters/store/store.ts';
import type { Broker } from '../core/broker.ts';
import type { DataProvider } from '../data/provider.ts';
import type { Scheduler } from '../live/scheduler.ts';

/** One dependency's status. */
export interface CheckResult {
  ok: boolean;
  detail: string;
}

/** A dependency /health reports on: the database, broker, data provider, scheduler, and later ones. */
export interface HealthCheck {
  name: string;
  check(): Promise<CheckResult> | CheckResult;
}

/** Run every check in parallel, each bounded by `timeoutMs`; a throw or timeout is a failed check. */
export async function runHealthChecks(checks: readonly HealthCheck[], timeoutMs = 2_000): Promise<{ ok: boolean; checks: Record<string, CheckResult & { latencyMs: number }> }> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const t0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
      });
      let r: CheckResult;
      try {
        r = await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
      } catch (err) {
        r = { ok: false, detail: err instanceof Error ? err.message : String(err) };
      } finally {
        clearTimeout(timer);
      }
      return [c.name, { ...r, latencyMs: Math.round((performance.now() - t0) * 10) / 10 }] as const;
    }),
  );
  return { ok: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

/** The database answers a trivial query. */
export function databaseCheck(store: Store): HealthCheck {
  return {
    name: 'database',
    async check() {
      await sql`select 1`.execute(store.db);
      return { ok: true, detail: `${store.dialect} ${store.location}` };
    },
  };
}

/** The broker answers an account query. */
export function brokerCheck(broker: Broker, label = 'broker'): HealthCheck {
  return {
    name: label,
    async check() {
      await broker.connect();
      const a = await broker.getAccount();
      return { ok: Number.isFinite(a.equity), detail: `${broker.name}: equity ${a.equity.toFixed(2)} ${a.currency}` };
    },
  };
}

/** The data provider lists its symbols when it can do so offline; remote ones are reported, not called. */
export function dataProviderCheck(provider: DataProvider): HealthCheck {
  return {
    name: 'data',
    async check() {
      if (!provider.listSymbols) return { ok: true, detail: `${provider.name}: remote provider configured (not called by /health)` };
      const symbols = await provider.listSymbols();
      return { ok: symbols.length > 0, detail: `${provider.name}: ${symbols.length} symbol(s)` };
    },
  };
}

/** The scheduler is running and no job keeps failing. */
export function schedulerCheck(scheduler: Scheduler): HealthCheck {
  return { name: 'scheduler', check: () => scheduler.health() };
}
