import { sql } from 'kysely';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Store } from '../adapters/store/store.ts';

/**
 * Prometheus metrics. Business counters are read from the audit trail (events
 * appended by any process) incrementally by sequence number at scrape time,
 * so they count what happened, not what this process happened to see.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Request latency by method, route pattern and status. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly events: Counter<'type'>;
  private readonly predictions: Counter;
  private readonly confirmations: Counter<'status'>;
  private readonly orders: Counter<'outcome'>;
  private readonly failures: Counter<'kind'>;
  private readonly messagesSent: Counter<'channel'>;
  private readonly smsSent: Counter;
  private lastSeq = 0;
  private readonly sentSoFar = new Map<string, number>();
  private syncing: Promise<void> | null = null;

  constructor(private readonly store: Store) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'tradepilot_process_' });
    this.httpDuration = new Histogram({
      name: 'tradepilot_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.events = new Counter({ name: 'tradepilot_events_total', help: 'Audit-trail events by type', labelNames: ['type'], registers });
    this.predictions = new Counter({ name: 'tradepilot_predictions_total', help: 'Predictions recorded', registers });
    this.confirmations = new Counter({ name: 'tradepilot_confirmations_total', help: 'Confirmation transitions by resulting status', labelNames: ['status'], registers });
    this.orders = new Counter({ name: 'tradepilot_orders_total', help: 'Orders through the gate by outcome (submitted, receipt, refused, failed)', labelNames: ['outcome'], registers });
    this.failures = new Counter({ name: 'tradepilot_failures_total', help: 'Failures by event type (*.failed, *.error, rejected webhooks)', labelNames: ['kind'], registers });
    this.messagesSent = new Counter({ name: 'tradepilot_messages_sent_total', help: 'Outbound messages by channel', labelNames: ['channel'], registers });
    this.smsSent = new Counter({ name: 'tradepilot_sms_sent_total', help: 'SMS sent', registers });
  }

  /** The exposition text, after catching up with the audit trail. */
  async render(): Promise<string> {
    await this.sync();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Fold events appended since the last scrape into the counters (one scrape at a time). */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const rows = await this.store.db
      .selectFrom('events')
      .select(['type', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max<number>('seq').as('m')])
      .where('seq', '>', this.lastSeq)
      .groupBy('type')
      .execute();
    let max = this.lastSeq;
    for (const r of rows) {
      const n = Number(r.n);
      max = Math.max(max, Number(r.m));
      this.events.inc({ type: r.type }, n);
      if (r.type === 'prediction' || r.type.startsWith('prediction.')) this.predictions.inc(n);
      if (r.type.startsWith('confirmation.')) this.confirmations.inc({ status: r.type.slice('confirmation.'.length) }, n);
      if (r.type.startsWith('order.')) this.orders.inc({ outcome: r.type.slice('order.'.length) }, n);
      if (r.type.endsWith('.failed') || r.type.endsWith('.error') || r.type === 'webhook.rejected') this.failures.inc({ kind: r.type }, n);
    }
    this.lastSeq = max;
    // Messages are few (human scale): count them outright and add the difference.
    const sent = await sql<{ channel: string; n: number }>`select channel, count(*) as n from messages where direction = 'out' group by channel`.execute(this.store.db);
    for (const r of sent.rows) {
      const n = Number(r.n);
      const d = n - (this.sentSoFar.get(r.channel) ?? 0);
      if (d > 0) {
        this.messagesSent.inc({ channel: r.channel }, d);
        if (r.channel === 'sms') this.smsSent.inc(d);
      }
      this.sentSoFar.set(r.channel, n);
    }
  }
}
