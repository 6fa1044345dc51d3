import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { TwilioSmsNotifier } from '../../src/adapters/notify/twilioSms.ts';
import { ConfirmationService, type Confirmation } from '../../src/live/confirm/confirmations.ts';
import { parseReply } from '../../src/live/confirm/smsText.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { twilioWebhook, TWILIO_SMS_PATH } from '../../src/server/routes/twilioWebhook.ts';
import { FakeTwilio } from '../support/fakeTwilio.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'test-auth-token-0123456789';
const OPERATOR = '+15557654321';
const PUBLIC_URL = 'https://tradepilot.example.com';

describe('two-way SMS confirmation through the Twilio SDK', () => {
  const fake = new FakeTwilio(SID, TOKEN);
  let store: Store;
  let app: FastifyInstance;
  let clock: SimulatedClock;
  let executed: Confirmation[];
  let service: ConfirmationService;
  let seq = 0;

  beforeAll(async () => {
    const base = await fake.start();
    store = await openSqliteStore(':memory:');
    clock = new SimulatedClock(Date.UTC(2024, 5, 3, 14, 0));
    executed = [];
    service = new ConfirmationService({
      store,
      clock,
      timeoutSeconds: 900,
      operatorPhone: OPERATOR,
      notifier: new TwilioSmsNotifier({ accountSid: SID, authToken: TOKEN, from: '+15550001111', apiBaseUrl: base }),
      execute: async (c) => {
        executed.push(c);
        return { ok: true, receipt: { orderId: `o-${c.id}` }, message: `paper ${c.action} ${c.quantity} ${c.symbol}` };
      },
    });
    app = Fastify();
    await twilioWebhook(app, { store, confirmations: service, authToken: TOKEN, publicUrl: PUBLIC_URL });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await fake.stop();
  });
  beforeEach(() => {
    executed.length = 0;
  });

  /** POST a reply the way Twilio does: form-encoded, signed over the public URL. */
  async function reply(body: string, opts: { sid?: string; sign?: 'good' | 'bad' | 'none' } = {}) {
    const params = { MessageSid: opts.sid ?? `SMin${++seq}`, AccountSid: SID, From: OPERATOR, To: '+15550001111', Body: body, NumMedia: '0' };
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const sign = opts.sign ?? 'good';
    if (sign !== 'none') {
      const token = sign === 'good' ? TOKEN : 'wrong-token';
      headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(token, `${PUBLIC_URL}${TWILIO_SMS_PATH}`, params);
    }
    return app.inject({ method: 'POST', url: TWILIO_SMS_PATH, headers, payload: new URLSearchParams(params).toString() });
  }

  it('sends exactly the required text through the SDK', async () => {
    const { confirmation, text } = await service.request({ symbol: 'TQQQ', action: 'BUY', confidence: 0.734, quantity: 10, predictionId: 'pred-1' });
    expect(text).toBe(`TQQQ signal: BUY — Confidence: 73% — Reply YES to execute, NO to skip. ID:${confirmation.id}`);
    const sent = fake.messages.at(-1)!;
    expect(sent).toMatchObject({ to: OPERATOR, from: '+15550001111', body: text });
    const out = await store.db.selectFrom('messages').selectAll().where('confirmation_id', '=', confirmation.id).execute();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ direction: 'out', provider_id: sent.sid, prediction_id: 'pred-1' });
  });

  it('a signed YES executes once; the same YES delivered again places no second order', async () => {
    const { confirmation } = await service.request({ symbol: 'SPY', action: 'BUY', confidence: 0.8, quantity: 5 });
    const first = await reply(`yes ${confirmation.id}`, { sid: 'SMdup1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('text/xml');
    expect(first.body).toContain('<Message>Done: paper BUY 5 SPY');
    const again = await reply(`yes ${confirmation.id}`, { sid: 'SMdup1' });
    expect(again.statusCode).toBe(200);
    const third = await reply(`YES ${confirmation.id}`, { sid: 'SMdup2' });
    expect(third.body).toContain('already executed');
    expect(executed.map((c) => c.id)).toEqual([confirmation.id]);
    expect((await service.get(confirmation.id)).status).toBe('executed');
    const inbound = await store.db.selectFrom('messages').selectAll().where('direction', '=', 'in').where('confirmation_id', '=', confirmation.id).execute();
    expect(inbound[0]).toMatchObject({ verified: 1, provider_id: 'SMdup1' });
    expect(inbound[0]!.signature).toBeTruthy();
  });

  it('a bare reply with several signals waiting asks for the id', async () => {
    await service.request({ symbol: 'XLE', action: 'BUY', confidence: 0.8, quantity: 1 });
    const res = await reply('YES');
    expect(res.body).toContain('Several signals are waiting');
    expect(executed).toHaveLength(0);
    await service.expireStale();
  });

  it('NO records a skip', async () => {
    clock.advance(901_000);
    await service.expireStale();
    const { confirmation } = await service.request({ symbol: 'QQQ', action: 'SELL', confidence: 0.9, quantity: 1 });
    const res = await reply('No');
    expect(res.body).toContain('Skipped QQQ SELL');
    expect((await service.get(confirmation.id)).status).toBe('rejected');
    expect(executed).toHaveLength(0);
  });

  it('a bad or missing signature gets 403 and changes nothing', async () => {
    const { confirmation } = await service.request({ symbol: 'IWM', action: 'BUY', confidence: 0.7, quantity: 2 });
    expect((await reply(`YES ${confirmation.id}`, { sign: 'bad', sid: 'SMreal' })).statusCode).toBe(403);
    expect((await reply(`YES ${confirmation.id}`, { sign: 'none' })).statusCode).toBe(403);
    expect((await service.get(confirmation.id)).status).toBe('pending');
    expect(executed).toHaveLength(0);
    // The forged copy did not claim the real message id: the genuine delivery still acts.
    expect((await reply(`YES ${confirmation.id}`, { sid: 'SMreal' })).body).toContain('Done');
    expect(executed).toHaveLength(1);
  });

  it('a late reply finds the confirmation expired and places no order', async () => {
    const { confirmation } = await service.request({ symbol: 'DIA', action: 'BUY', confidence: 0.75, quantity: 3 });
    clock.advance(901_000);
    const res = await reply(`YES ${confirmation.id}`);
    expect(res.body).toContain('expired');
    expect((await service.get(confirmation.id)).status).toBe('expired');
    expect(executed).toHaveLength(0);
  });

  it('anything else gets guidance', async () => {
    const res = await reply('what is this?');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Reply YES to execute or NO to skip');
  });

  it('expireStale expires only overdue pending confirmations', async () => {
    const { confirmation } = await service.request({ symbol: 'XLF', action: 'BUY', confidence: 0.65, quantity: 4 });
    expect(await service.expireStale()).toBe(0);
    clock.advance(900_001);
    expect(await service.expireStale()).toBeGreaterThanOrEqual(1);
    expect((await service.get(confirmation.id)).status).toBe('expired');
  });

  it('surfaces a Twilio failure as a clear error', async () => {
    fake.failNext = { count: 1, status: 500 };
    await expect(service.request({ symbol: 'GLD', action: 'BUY', confidence: 0.7, quantity: 1 })).rejects.toThrow(/Twilio refused the SMS to \+155\*\*\*4321/);
  });
});

describe('parseReply', () => {
  it('reads YES/NO in any case with an optional id', () => {
    expect(parseReply('yes')).toEqual({ decision: 'YES' });
    expect(parseReply(' No. ')).toEqual({ decision: 'NO' });
    expect(parseReply('YES ID:ABCD1234')).toEqual({ decision: 'YES', id: 'ABCD1234' });
    expect(parseReply('y abcd1234')).toEqual({ decision: 'YES', id: 'ABCD1234' });
    expect(parseReply('yes please buy lots')).toBeNull();
    expect(parseReply('maybe')).toBeNull();
    expect(parseReply('')).toBeNull();
  });
});
