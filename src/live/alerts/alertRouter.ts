import type { Store } from '../../adapters/store/store.ts';
import type { Alert, Instrument } from '../../core/alert.ts';
import type { Broker } from '../../core/broker.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Clock } from '../../core/time.ts';
import { OrderGate } from '../execution/orderGate.ts';
import type { Guardrails } from '../execution/guardrails.ts';
import type { Notifier } from '../notifier.ts';
import { alertText } from './alertText.ts';

/** Which alerts a route takes. */
export interface RouteFilter {
  minConfidence?: number;
  instruments?: readonly Instrument[];
}

/** A route to a notifier (SMS, email, webhook, console), addressed to `to`. */
export interface NotifyRoute extends RouteFilter {
  kind: 'notify';
  name: string;
  notifier: Notifier;
  to: string;
}

/** A route that simulates the alert's trade on the paper broker, through the order gate. */
export interface PaperRoute extends RouteFilter {
  kind: 'paper';
  name: string;
  broker: Broker;
  guardrails?: Guardrails;
}

export type AlertRoute = NotifyRoute | PaperRoute;

/** What happened on one route. */
export interface RouteResult {
  route: string;
  ok: boolean;
  skipped?: string;
  providerId?: string;
  orderId?: string;
  error?: string;
}

/**
 * Sends each alert down every route whose filter takes it. A failing route does
 * not stop the others; every delivery is stored (messages table, `alert.routed`
 * event). The paper route goes through an OrderGate that has no live broker and
 * DRY_RUN forced on, so an alert can never place a live order (live orders need
 * a person's YES through the confirmation service).
 */
export class AlertRouter {
  private readonly gates = new Map<string, OrderGate>();

  constructor(
    private readonly deps: { store: Store; clock: Clock },
    private readonly routes: readonly AlertRoute[],
  ) {
    for (const r of routes) {
      if (r.kind === 'paper') {
        this.gates.set(r.name, new OrderGate({ store: deps.store, clock: deps.clock, config: { DRY_RUN: true, ENV: 'development', ADMIN_KEY: undefined }, paper: r.broker, guardrails: r.guardrails }));
      }
    }
  }

  /** Route one alert everywhere it belongs; resolves when every route has answered. */
  async route(alert: Alert): Promise<RouteResult[]> {
    const text = alertText(alert);
    const results = await Promise.all(this.routes.map((r) => this.one(r, alert, text)));
    await this.deps.store.append({ type: 'alert.routed', subject: alert.alert_id, correlationId: alert.alert_id, payload: { alert_id: alert.alert_id, results }, time: this.deps.clock.now() });
    return results;
  }

  private async one(r: AlertRoute, alert: Alert, text: string): Promise<RouteResult> {
    if (r.minConfidence !== undefined && alert.confidence < r.minConfidence) return { route: r.name, ok: true, skipped: `confidence ${alert.confidence.toFixed(2)} below ${r.minConfidence}` };
    if (r.instruments && !r.instruments.includes(alert.instrument)) return { route: r.name, ok: true, skipped: `instrument ${alert.instrument} not routed here` };
    if (r.kind === 'paper') return this.paper(r, alert);
    try {
      const sent = await r.notifier.send({ to: r.to, body: text, data: { subject: `tradepilot alert: ${text.split(' — ')[0]}`, alert } });
      await this.deps.store.db
        .insertInto('messages')
        .values({
          id: uuidv7(),
          direction: 'out',
          channel: r.notifier.channel,
          to_addr: r.to,
          from_addr: sent.from ?? null,
          body: text,
          prediction_id: null,
          confirmation_id: null,
          provider_id: sent.providerId,
          signature: null,
          verified: 1,
          created_at: new Date(this.deps.clock.now()).toISOString(),
        })
        .execute();
      return { route: r.name, ok: true, providerId: sent.providerId };
    } catch (err) {
      return { route: r.name, ok: false, error: (err as Error).message };
    }
  }

  private async paper(r: PaperRoute, alert: Alert): Promise<RouteResult> {
    if (alert.instrument !== 'stock') return { route: r.name, ok: true, skipped: 'the broker port trades stocks only' };
    if (alert.action === 'HOLD') return { route: r.name, ok: true, skipped: 'HOLD places no order' };
    const d = await this.gates.get(r.name)!.submit({
      symbol: alert.ticker,
      side: alert.action === 'BUY' ? 'buy' : 'sell',
      qty: alert.quantity,
      refPrice: alert.entry_price,
      clientOrderId: `alert-${alert.alert_id}`,
      source: 'alert',
    });
    const ok = d.status !== 'refused' && d.status !== 'failed' && d.status !== 'rejected';
    return { route: r.name, ok, orderId: d.orderId, ...(ok ? {} : { error: d.reasons.join('; ') }) };
  }
}
