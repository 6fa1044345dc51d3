import { Cron } from 'croner';
import type { Store } from '../adapters/store/store.ts';
import { BadInputError, ErrorCode, TradepilotError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { Clock } from '../core/time.ts';

/** How one named job has been doing (for /health and logs). */
export interface JobStatus {
  name: string;
  cron: string;
  description: string;
  running: boolean;
  runs: number;
  failures: number;
  consecutiveFailures: number;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
  nextRunAt: string | null;
}

/** A job to run on a schedule; `fn` may be async and is never run twice at once. */
export interface JobDefinition {
  name: string;
  /** A cron expression (croner syntax, seconds optional), evaluated in `timezone` (default UTC). */
  cron: string;
  description?: string;
  timezone?: string;
  fn: () => Promise<unknown> | unknown;
}

export interface SchedulerDeps {
  clock: Clock;
  logger?: Logger;
  /** Failures are appended to the audit trail (`scheduler.job_failed`) when given. */
  store?: Store;
  /** A job is unhealthy after this many failures in a row. */
  unhealthyAfter?: number;
}

interface Entry {
  def: JobDefinition;
  cron: Cron | null;
  status: Omit<JobStatus, 'nextRunAt' | 'name' | 'cron' | 'description'>;
}

/**
 * Named cron jobs (croner) with per-job status. Later features register their
 * jobs here (the agent run, weekly retraining); `serve` starts and stops them.
 * Overlapping runs are skipped, failures are counted, logged and audited, never thrown.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Entry>();
  private started = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Add a job; names are unique. Registered after start() it starts at once. */
  register(def: JobDefinition): void {
    if (this.jobs.has(def.name)) throw new BadInputError(`a job named ${def.name} is already registered`, { field: 'name' });
    try {
      // Validates the expression now, so a typo fails at registration, not at midnight.
      new Cron(def.cron, { paused: true, timezone: def.timezone ?? 'Etc/UTC' }).stop();
    } catch (err) {
      throw new BadInputError(`job ${def.name}: invalid cron expression ${JSON.stringify(def.cron)}: ${(err as Error).message}`, { field: 'cron' });
    }
    const entry: Entry = { def, cron: null, status: { running: false, runs: 0, failures: 0, consecutiveFailures: 0, lastStartedAt: null, lastFinishedAt: null, lastDurationMs: null, lastError: null } };
    this.jobs.set(def.name, entry);
    if (this.started) this.arm(entry);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const e of this.jobs.values()) this.arm(e);
  }

  /** Stop firing; waits for runs in progress to finish (up to `waitMs`). */
  async stop(waitMs = 10_000): Promise<void> {
    this.started = false;
    for (const e of this.jobs.values()) {
      e.cron?.stop();
      e.cron = null;
    }
    const until = Date.now() + waitMs;
    while ([...this.jobs.values()].some((e) => e.status.running) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Run a job now (outside its schedule); resolves when it is done. False when it was already running. */
  async runNow(name: string): Promise<boolean> {
    const e = this.jobs.get(name);
    if (!e) throw new TradepilotError(ErrorCode.NOT_FOUND, `no job named ${name}`);
    return this.execute(e);
  }

  status(): JobStatus[] {
    return [...this.jobs.values()].map((e) => ({
      name: e.def.name,
      cron: e.def.cron,
      description: e.def.description ?? '',
      ...e.status,
      nextRunAt: e.cron?.nextRun()?.toISOString() ?? null,
    }));
  }

  /** Healthy when started and no job has failed `unhealthyAfter` times in a row. */
  health(): { ok: boolean; detail: string } {
    if (!this.started) return { ok: false, detail: 'scheduler not started' };
    const limit = this.deps.unhealthyAfter ?? 3;
    const bad = this.status().filter((j) => j.consecutiveFailures >= limit);
    if (bad.length > 0) return { ok: false, detail: bad.map((j) => `${j.name} failed ${j.consecutiveFailures} times in a row: ${j.lastError}`).join('; ') };
    return { ok: true, detail: `${this.jobs.size} job(s): ${[...this.jobs.keys()].join(', ') || 'none'}` };
  }

  private arm(e: Entry): void {
    e.cron = new Cron(e.def.cron, { timezone: e.def.timezone ?? 'Etc/UTC', protect: true }, async () => {
      await this.execute(e);
    });
  }

  private async execute(e: Entry): Promise<boolean> {
    if (e.status.running) return false;
    const s = e.status;
    s.running = true;
    const t0 = this.deps.clock.now();
    s.lastStartedAt = new Date(t0).toISOString();
    try {
      await e.def.fn();
      s.consecutiveFailures = 0;
      s.lastError = null;
    } catch (err) {
      s.failures++;
      s.consecutiveFailures++;
      s.lastError = err instanceof Error ? err.message : String(err);
      this.deps.logger?.error({ job: e.def.name, err: s.lastError }, 'scheduled job failed');
      await this.deps.store
        ?.append({ type: 'scheduler.job_failed', subject: e.def.name, payload: { job: e.def.name, error: s.lastError, consecutiveFailures: s.consecutiveFailures } })
        .catch((auditErr: unknown) => this.deps.logger?.error({ job: e.def.name, err: (auditErr as Error).message }, 'could not audit a job failure'));
    } finally {
      s.runs++;
      s.running = false;
      const t1 = this.deps.clock.now();
      s.lastFinishedAt = new Date(t1).toISOString();
      s.lastDurationMs = t1 - t0;
    }
    return true;
  }
}
