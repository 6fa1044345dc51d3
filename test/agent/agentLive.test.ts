import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioSmsNotifier } from '../../src/adapters/notify/twilioSms.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { createProvider } from '../../src/data/providers/index.ts';
import { openLiveRuntime, type LiveRuntime } from '../../src/live/runtime.ts';
import { runAgent } from '../../src/strategy/agent/agentRun.ts';
import { readPredictionTrail } from '../../src/strategy/agent/predictionTrail.ts';
import { FakeAlpaca } from '../support/fakeAlpaca.ts';
import { FakeTwilio } from '../support/fakeTwilio.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'test-auth-token-0123456789';
const ADMIN = 'admin-key-0123456789abcdef';
const KEY = 'PKTESTKEY0123456789';
const SECRET = 'test-secret-0123456789abcdefghij';

describe('the agent through to the Alpaca paper adapter (fake Alpaca and Twilio)', () => {
  const twilioFake = new FakeTwilio(SID, TOKEN);
  const alpacaFake = new FakeAlpaca(KEY, SECRET);
  let dir: string;
  let twilioBase: string;
  let alpacaBase: string;
  const opened: LiveRuntime[] = [];

  beforeAll(async () => {
    twilioBase = await twilioFake.start();
    alpacaBase = await alpacaFake.start();
    dir = mkdtempSync(join(tmpdir(), 'tp-agent-live-'));
  });
  afterAll(async () => {
    for (const rt of opened) await rt.close();
    await twilioFake.stop();
    await alpacaFake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A runtime on its own database; `live` sets DRY_RUN=false, ENV=production and the admin key. */
  async function runtime(name: string, live: { dryRun: string; env: string; admin?: string }) {
    const cfg = loadConfig({
      envFile: false,
      env: {
        TRADEPILOT_DB: join(dir, `${name}.db`),
        MODEL_DIR: join(dir, 'models'),
        DRY_RUN: live.dryRun,
        ENV: live.env,
        ...(live.admin ? { ADMIN_KEY: live.admin } : {}),
        ALPACA_API_KEY: KEY,
        ALPACA_SECRET_KEY: SECRET,
        ALPACA_BASE_URL: alpacaBase,
        OPERATOR_PHONE_NUMBER: '+15557654321',
        LOG_LEVEL: 'silent',
      },
    });
    const clock = new SimulatedClock(Date.UTC(2024, 5, 3, 21, 0));
    const rt = await openLiveRuntime(cfg, { clock, notifier: new TwilioSmsNotifier({ accountSid: SID, authToken: TOKEN, from: '+15550001111', apiBaseUrl: twilioBase }) });
    opened.push(rt);
    const deps = { store: rt.store, clock, provider: createProvider('mock', { clock }), confirmations: rt.confirmations, modelDir: cfg.MODEL_DIR, threshold: cfg.SIGNAL_CONFIDENCE_THRESHOLD };
    return { rt, deps };
  }

  it('with DRY_RUN=false, ENV=production, the admin key and its approval, YES sends the order to Alpaca and stores the receipt', async () => {
    const { rt, deps } = await runtime('live', { dryRun: 'false', env: 'production', admin: ADMIN });
    await rt.gate.approveLive(ADMIN, 'test-operator');
    const r = await runAgent(deps, { symbol: 'TQQQ', quantity: 2, signal: 'BUY' });
    alpacaFake.prices.set('TQQQ', r.prediction.close);
    const before = alpacaFake.orderPosts().length;
    const outcome = await rt.confirmations.decide(r.confirmation_id!, 'YES', 'cli', 'test');
    expect(outcome.kind).toBe('executed');
    expect(alpacaFake.orderPosts().length).toBe(before + 1);
    const trail = await readPredictionTrail(rt.store, r.prediction_id);
    expect(trail.orders).toHaveLength(1);
    expect(trail.orders[0]).toMatchObject({ mode: 'live', side: 'buy', qty: 2, symbol: 'TQQQ' });
    expect(trail.orders[0]!.broker_order_id).toBeTruthy();
    expect(JSON.parse(trail.orders[0]!.receipt!)).toMatchObject({ symbol: 'TQQQ' });
    expect(trail.events.map((e) => e.type)).toContain('order.receipt');
    expect((trail.prediction as { drill: boolean }).drill).toBe(true);
  });

  const blocked: [string, { dryRun: string; env: string; admin?: string }][] = [
    ['DRY_RUN=true', { dryRun: 'true', env: 'production', admin: ADMIN }],
    ['ENV=development', { dryRun: 'false', env: 'development', admin: ADMIN }],
    ['no admin key', { dryRun: 'false', env: 'production' }],
  ];
  it.each(blocked)('%s: YES trades on paper and no request reaches Alpaca', async (name, live) => {
    const { rt, deps } = await runtime(name.replace(/\W/g, '_'), live);
    if (live.admin) await rt.gate.approveLive(live.admin, 'test-operator');
    const r = await runAgent(deps, { symbol: 'TQQQ', quantity: 1, signal: 'BUY' });
    const before = alpacaFake.orderPosts().length;
    const outcome = await rt.confirmations.decide(r.confirmation_id!, 'YES', 'cli', 'test');
    expect(outcome.kind).toBe('executed');
    expect(alpacaFake.orderPosts().length).toBe(before);
    const trail = await readPredictionTrail(rt.store, r.prediction_id);
    expect(trail.orders.map((o) => o.mode)).toEqual(['paper']);
  });
});
