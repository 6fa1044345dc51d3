import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaperBroker } from '../../src/adapters/broker/paperBroker.ts';
import { ConsoleNotifier } from '../../src/adapters/notify/consoleNotifier.ts';
import { EmailNotifier } from '../../src/adapters/notify/emailNotifier.ts';
import { TwilioSmsNotifier } from '../../src/adapters/notify/twilioSms.ts';
import { signWebhook, verifyWebhookSignature, WebhookNotifier } from '../../src/adapters/notify/webhookNotifier.ts';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { NO_COSTS } from '../../src/backtest/costs.ts';
import type { Alert, OptionAlert, StockAlert } from '../../src/core/alert.ts';
import type { Bar } from '../../src/core/bar.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { sma } from '../../src/indicators/sma.ts';
import { AlertEngine, fridayOnOrAfter } from '../../src/live/alerts/alertEngine.ts';
import { alertId } from '../../src/live/alerts/alertId.ts';
import { isUuidv7, uuidv7Time } from '../../src/core/ids.ts';
import { AlertRouter } from '../../src/live/alerts/alertRouter.ts';
import { AlertSchema, parseAlert } from '../../src/live/alerts/alertSchema.ts';
import { AlertStore } from '../../src/live/alerts/alertStore.ts';
import { resolveConflict } from '../../src/live/alerts/conflicts.ts';
import { parsePublishedModels, PublishedModelSchema, type PublishedModel } from '../../src/live/alerts/publishedModel.ts';
import { FakeSmtp } from '../support/fakeSmtp.ts';
import { FakeTwilio } from '../support/fakeTwilio.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 21, 0);

/** ttrc.csv (real daily OHLCV), re-stamped one bar per day from T0. */
function ttrcBars(): Bar[] {
  return readFileSync('data/sample/ttrc.csv', 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l, i) => {
      const [, o, h, lo, c, v] = l.split(',').map(Number);
      return { time: T0 + i * DAY, open: o!, high: h!, low: lo!, close: c!, volume: v! };
    });
}

const model = (m: Partial<PublishedModel> & Pick<PublishedModel, 'model_id' | 'rule'>): PublishedModel => PublishedModelSchema.parse(m);

function seqIds(): (t: number) => string {
  let n = 0;
  return () => `id-${String(++n).padStart(6, '0')}`;
}

const stockAlert: StockAlert = {
  alert_id: 'a-1',
  timestamp: '2024-06-03T14:00:00.000Z',
  model_id: 'sma200@1',
  action: 'BUY',
  instrument: 'stock',
  ticker: 'TQQQ',
  quantity: 10,
  confidence: 0.73,
  entry_price: 61.2,
  stop_loss: 58.1,
  take_profit: 66,
  urgency: 'normal',
  valid_until: '2024-06-03T15:00:00.000Z',
};

describe('alert records (Pack System spec)', () => {
  it('a stock and an option alert with every field validate', () => {
    expect(parseAlert(stockAlert)).toEqual(stockAlert);
    const opt: OptionAlert = { ...stockAlert, instrument: 'option', underlying: 'TQQQ', option_type: 'call', strike: 62, expiration: '2024-06-14', contracts: 2, quantity: 2 } as unknown as OptionAlert;
    delete (opt as unknown as Record<string, unknown>).ticker;
    expect(parseAlert(opt)).toEqual(opt);
  });

  it('refuses a missing field, a stop on the wrong side, a stale valid_until, by field name', () => {
    const miss = AlertSchema.safeParse({ ...stockAlert, valid_until: undefined });
    expect(miss.success).toBe(false);
    expect(miss.error!.issues[0]!.path).toEqual(['valid_until']);
    const wrong = AlertSchema.safeParse({ ...stockAlert, stop_loss: 70 });
    expect(wrong.error!.issues.map((i) => i.path.join('.'))).toEqual(['stop_loss']);
    expect(AlertSchema.safeParse({ ...stockAlert, valid_until: stockAlert.timestamp }).error!.issues[0]!.message).toBe('must be after timestamp');
    expect(AlertSchema.safeParse({ ...stockAlert, extra: 1 }).success).toBe(false);
    expect(AlertSchema.safeParse({ ...stockAlert, confidence: 1.2 }).success).toBe(false);
  });

  it('published models are validated with the model index and field in the error', () => {
    expect(() => parsePublishedModels('models.yaml', [{ model_id: 'x', rule: { kind: 'sma_cross', fast: 50, slow: 20 } }])).toThrow('models.yaml: [0].rule.fast: must be shorter than slow');
    expect(() => parsePublishedModels('models.yaml', [{ model_id: 'x', rule: { kind: 'nope' } }])).toThrow(/\[0\]\.rule\.kind/);
  });
});

describe('AlertEngine: streaming indicators to alerts', () => {
  it('alerts exactly where the batch SMA shows a crossing (SMA-200 rule on real data)', () => {
    const bars = ttrcBars();
    const eng = new AlertEngine([model({ model_id: 'sma200@1', rule: { kind: 'price_vs_sma', period: 200 }, quantity: 10 })], { policy: 'first-wins' });
    const got: { i: number; a: Alert }[] = [];
    bars.forEach((b, i) => eng.onBar('TTRC', b).alerts.forEach((a) => got.push({ i, a })));
    const close = Float64Array.from(bars.map((b) => b.close));
    const s = sma(close, 200);
    const expected: { i: number; action: string }[] = [];
    for (let i = 1; i < bars.length; i++) {
      const g0 = close[i - 1]! - s[i - 1]!;
      const g1 = close[i]! - s[i]!;
      if (g0 <= 0 && g1 > 0) expected.push({ i, action: 'BUY' });
      else if (g0 >= 0 && g1 < 0) expected.push({ i, action: 'SELL' });
    }
    expect(expected.length).toBeGreaterThan(20);
    expect(got.map(({ i, a }) => ({ i, action: a.action }))).toEqual(expected);
    for (const { i, a } of got) {
      expect(() => parseAlert(a)).not.toThrow();
      expect(a).toMatchObject({ instrument: 'stock', ticker: 'TTRC', quantity: 10, model_id: 'sma200@1', entry_price: bars[i]!.close, timestamp: new Date(bars[i]!.time).toISOString() });
      expect(a.valid_until).toBe(new Date(bars[i]!.time + 3_600_000).toISOString());
      expect(a.confidence).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('an option model builds call/put alerts with strike, Friday expiration and contracts', () => {
    const bars = ttrcBars().slice(0, 400);
    const eng = new AlertEngine(
      [model({ model_id: 'opt@1', rule: { kind: 'sma_cross', fast: 10, slow: 30 }, instrument: 'option', option: { min_days: 7, strike_step: 0.5, otm_steps: 1, contracts: 3 } })],
      { policy: 'first-wins' },
    );
    const alerts = bars.flatMap((b) => eng.onBar('TTRC', b).alerts) as OptionAlert[];
    expect(alerts.length).toBeGreaterThan(3);
    for (const a of alerts) {
      expect(() => parseAlert(a)).not.toThrow();
      expect(a.option_type).toBe(a.action === 'BUY' ? 'call' : 'put');
      expect(a.contracts).toBe(3);
      expect(new Date(`${a.expiration}T00:00:00Z`).getUTCDay()).toBe(5);
      expect(Date.parse(`${a.expiration}T00:00:00Z`)).toBeGreaterThanOrEqual(Date.parse(a.timestamp.slice(0, 10)) + 7 * DAY);
      const atm = Math.round(a.entry_price / 0.5) * 0.5;
      expect(a.strike).toBeCloseTo(a.action === 'BUY' ? atm + 0.5 : atm - 0.5, 10);
    }
    expect(fridayOnOrAfter(Date.UTC(2024, 5, 7))).toBe('2024-06-07');
    expect(fridayOnOrAfter(Date.UTC(2024, 5, 8))).toBe('2024-06-14');
  });

  it('alert ids are UUID v7 stamped with the bar time, and unique', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = alertId(T0 + i);
      expect(isUuidv7(id)).toBe(true);
      expect(uuidv7Time(id)).toBe(T0 + i);
      ids.add(id);
    }
    expect(ids.size).toBe(2000);
  });

  it('ignores repeated or out-of-order bars', () => {
    const eng = new AlertEngine([model({ model_id: 'm', rule: { kind: 'price_vs_sma', period: 2 } })], { policy: 'first-wins' });
    const b = (t: number, c: number): Bar => ({ time: t, open: c, high: c, low: c, close: c, volume: 1 });
    eng.onBar('X', b(1, 10));
    eng.onBar('X', b(2, 9));
    expect(eng.onBar('X', b(3, 12)).alerts).toHaveLength(1);
    expect(eng.onBar('X', b(3, 5)).alerts).toHaveLength(0);
    expect(eng.onBar('X', b(2, 5)).alerts).toHaveLength(0);
  });
});

describe('conflicts between models on one ticker', () => {
  const c = (model_id: string, action: 'BUY' | 'SELL', confidence: number): Alert => ({ ...stockAlert, alert_id: `a-${model_id}`, model_id, action, confidence, stop_loss: null, take_profit: null });
  const ids = { decisionId: 'd-1', ensembleAlertId: 'e-1' };
  const cands = [c('m1', 'BUY', 0.6), c('m2', 'SELL', 0.9), c('m3', 'BUY', 0.7)];

  it('first-wins takes the first published model', () => {
    const r = resolveConflict(cands, 'first-wins', ids);
    expect(r.alert!.alert_id).toBe('a-m1');
    expect(r.decision).toMatchObject({ policy: 'first-wins', ticker: 'TQQQ', winner_alert_id: 'a-m1', action: 'BUY' });
    expect(r.decision.candidates).toHaveLength(3);
  });
  it('highest-confidence takes the most confident (ties to the earlier)', () => {
    expect(resolveConflict(cands, 'highest-confidence', ids).alert!.model_id).toBe('m2');
    expect(resolveConflict([c('a', 'BUY', 0.8), c('b', 'SELL', 0.8)], 'highest-confidence', ids).alert!.model_id).toBe('a');
  });
  it('ensemble: a weighted confidence vote; a tie sends nothing', () => {
    const r = resolveConflict(cands, 'ensemble', ids);
    // BUY 0.6 + 0.7 = 1.3 vs SELL 0.9 -> BUY with confidence 1.3 / 3.
    expect(r.alert).toMatchObject({ alert_id: 'e-1', action: 'BUY', model_id: 'ensemble(m1+m2+m3)' });
    expect(r.alert!.confidence).toBeCloseTo(1.3 / 3, 12);
    const w = resolveConflict(cands, 'ensemble', ids, new Map([['m2', 3]]));
    expect(w.alert!.action).toBe('SELL'); // 2.7 vs 1.3
    const tie = resolveConflict([c('a', 'BUY', 0.5), c('b', 'SELL', 0.5)], 'ensemble', ids);
    expect(tie.alert).toBeNull();
    expect(tie.decision.reason).toContain('tied');
  });

  it('the engine resolves same-bar alerts per ticker and the store audits each decision', async () => {
    const store = await openSqliteStore(':memory:');
    const models = [
      model({ model_id: 'fast', rule: { kind: 'price_vs_sma', period: 2 } }),
      model({ model_id: 'slow', rule: { kind: 'price_vs_sma', period: 3 } }),
    ];
    const eng = new AlertEngine(models, { policy: 'highest-confidence', newId: seqIds() });
    const b = (t: number, c: number): Bar => ({ time: T0 + t * DAY, open: c, high: c + 1, low: c - 1, close: c, volume: 1 });
    const batches = [b(0, 10), b(1, 10), b(2, 9), b(3, 9), b(4, 13)].map((x) => eng.onBar('QQQ', x));
    const last = batches.at(-1)!;
    expect(last.alerts).toHaveLength(1);
    expect(last.decisions).toHaveLength(1);
    expect(last.decisions[0]!.candidates.map((x) => x.model_id)).toEqual(['fast', 'slow']);
    const repo = new AlertStore(store, new SimulatedClock(T0));
    const all = batches.flatMap((x) => x.alerts);
    expect(all.length).toBeGreaterThan(1);
    expect(await repo.save(batches)).toBe(all.length);
    const ev = await store.events({ type: 'alert.conflict' });
    expect(ev).toHaveLength(1);
    expect(ev[0]!.payload).toMatchObject({ policy: 'highest-confidence', winner_alert_id: last.alerts[0]!.alert_id, ticker: 'QQQ' });
    expect(await repo.list({ ticker: 'QQQ' })).toEqual([...all].reverse());
    expect(await repo.get(last.alerts[0]!.alert_id)).toEqual(last.alerts[0]);
    await store.close();
  });
});

describe('routing alerts to notifiers and the paper broker', () => {
  const SECRET = 'webhook-secret-0123456789';
  const SID = 'AC0123456789abcdef0123456789abcdef';
  const TOKEN = 'test-auth-token-0123456789';
  const smtp = new FakeSmtp({ user: 'alerts', pass: 'smtp-pass' });
  const hooks = new WebhookReceiver(SECRET);
  const twilio = new FakeTwilio(SID, TOKEN);
  let smtpAddr: { host: string; port: number };
  let hookUrl: string;
  let twilioBase: string;
  let store: Store;
  let clock: SimulatedClock;

  beforeAll(async () => {
    smtpAddr = await smtp.start();
    hookUrl = await hooks.start();
    twilioBase = await twilio.start();
  });
  afterAll(async () => {
    await smtp.stop();
    await hooks.stop();
    await twilio.stop();
  });
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    clock = new SimulatedClock(Date.UTC(2024, 5, 3, 14, 0));
    hooks.received.length = 0;
  });

  it('email goes over real SMTP (EHLO, AUTH, MAIL, RCPT, DATA, QUIT) through nodemailer', async () => {
    const email = new EmailNotifier({ ...smtpAddr, user: 'alerts', pass: 'smtp-pass', from: 'tradepilot@example.com' });
    const sent = await email.send({ to: 'ops@example.com', body: 'TQQQ BUY 10', data: { subject: 'tradepilot alert: TQQQ BUY', alert: stockAlert } });
    expect(sent.providerId).toMatch(/^<.+>$/);
    const m = smtp.messages.at(-1)!;
    expect(m).toMatchObject({ from: 'tradepilot@example.com', to: ['ops@example.com'], user: 'alerts' });
    expect(m.data).toContain('Subject: tradepilot alert: TQQQ BUY');
    expect(m.data).toContain('"alert_id": "a-1"');
    // A send closes the socket after DATA; the health check logs in and says QUIT.
    expect(smtp.commands.map((c) => c.split(/[ :]/)[0]!.toUpperCase())).toEqual(['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA']);
    smtp.commands.length = 0;
    await email.verify();
    // verify() resolves as QUIT is written; give it a moment to arrive.
    for (let i = 0; i < 100 && !smtp.commands.includes('QUIT'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(smtp.commands.map((c) => c.split(/[ :]/)[0]!.toUpperCase())).toEqual(['EHLO', 'AUTH', 'QUIT']);
    smtp.refuse.add('nobody@example.com');
    await expect(email.send({ to: 'nobody@example.com', body: 'x' })).rejects.toThrow(/email to nobody@example.com/);
    const wrongPass = new EmailNotifier({ ...smtpAddr, user: 'alerts', pass: 'nope', from: 'tradepilot@example.com' });
    await expect(wrongPass.send({ to: 'ops@example.com', body: 'x' })).rejects.toThrow(/535|Invalid login/);
    await expect(wrongPass.verify()).rejects.toThrow(/SMTP 127.0.0.1:\d+ check failed/);
  });

  it('webhooks are HMAC-SHA256 signed and retried with one delivery id', async () => {
    const sleeps: number[] = [];
    const wh = new WebhookNotifier({ secret: SECRET, baseMs: 10, sleep: async (ms) => void sleeps.push(ms) });
    hooks.failNext = { count: 2, status: 503 };
    const sent = await wh.send({ to: hookUrl, body: 'TQQQ BUY 10', data: { alert: stockAlert } });
    expect(hooks.received.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(hooks.received.map((r) => r.delivery))).toEqual(new Set([sent.providerId]));
    expect(hooks.received.every((r) => r.verified)).toBe(true);
    expect(hooks.received[2]!.body).toMatchObject({ body: 'TQQQ BUY 10', data: { alert: { alert_id: 'a-1' } } });
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]! * 0.66); // exponential with jitter
    // A receiver with another secret answers 401: not retried, and the send fails.
    hooks.received.length = 0;
    const wrong = new WebhookNotifier({ secret: 'another-secret-0123456789', sleep: async () => {} });
    await expect(wrong.send({ to: hookUrl, body: 'x' })).rejects.toThrow('HTTP 401');
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]!.verified).toBe(false);
    // Verification: tampered body, stale timestamp.
    const ts = String(Math.floor(Date.now() / 1000));
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, ts, '{"a":1}'), ts, '{"a":1}')).toBe(true);
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, ts, '{"a":1}'), ts, '{"a":2}')).toBe(false);
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, '1000', 'x'), '1000', 'x')).toBe(false);
  });

  it('the router sends one alert to SMS, email, webhook, console and the paper broker, storing each delivery', async () => {
    const paper = new PaperBroker({ initCash: 100_000, costs: NO_COSTS, fillAt: 'close', clock });
    paper.advance(new Map([['TQQQ', { time: clock.now(), open: 61, high: 62, low: 60, close: 61.2, volume: 1e6 }]]));
    const consoleN = new ConsoleNotifier(null);
    const router = new AlertRouter({ store, clock }, [
      { kind: 'notify', name: 'sms', notifier: new TwilioSmsNotifier({ accountSid: SID, authToken: TOKEN, from: '+15550001111', apiBaseUrl: twilioBase }), to: '+15557654321', minConfidence: 0.7 },
      { kind: 'notify', name: 'email', notifier: new EmailNotifier({ ...smtpAddr, user: 'alerts', pass: 'smtp-pass', from: 'tp@example.com' }), to: 'ops@example.com' },
      { kind: 'notify', name: 'webhook', notifier: new WebhookNotifier({ secret: SECRET }), to: hookUrl },
      { kind: 'notify', name: 'console', notifier: consoleN, to: 'stderr' },
      { kind: 'notify', name: 'broken-webhook', notifier: new WebhookNotifier({ secret: 'another-secret-0123456789', sleep: async () => {} }), to: hookUrl },
      { kind: 'paper', name: 'paper', broker: paper },
    ]);
    const results = await router.route(stockAlert);
    expect(results.map((r) => [r.route, r.ok])).toEqual([
      ['sms', true],
      ['email', true],
      ['webhook', true],
      ['console', true],
      ['broken-webhook', false],
      ['paper', true],
    ]);
    expect(twilio.messages.at(-1)!.body).toContain('TQQQ BUY 10 — entry 61.20, stop 58.10, target 66.00 — Confidence: 73% (normal)');
    expect(consoleN.sent[0]!.body).toBe(twilio.messages.at(-1)!.body);
    const msgs = await store.db.selectFrom('messages').select(['channel', 'to_addr']).orderBy('channel').execute();
    expect(msgs.map((m) => m.channel)).toEqual(['console', 'email', 'sms', 'webhook']);
    const order = await store.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow();
    expect(order).toMatchObject({ client_order_id: 'alert-a-1', mode: 'paper', status: 'filled', qty: 10, symbol: 'TQQQ' });
    const ev = await store.events({ type: 'alert.routed' });
    expect((ev[0]!.payload as { results: unknown[] }).results).toHaveLength(6);
    // Routing the same alert again places no second order.
    await router.route(stockAlert);
    expect(await store.db.selectFrom('orders').selectAll().execute()).toHaveLength(1);
    // Below the SMS route's confidence floor: skipped, not sent.
    const low = await router.route({ ...stockAlert, alert_id: 'a-2', confidence: 0.65 });
    expect(low[0]).toMatchObject({ route: 'sms', ok: true, skipped: 'confidence 0.65 below 0.7' });
    await store.close();
  });
});
