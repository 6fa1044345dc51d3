import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioSmsNotifier } from '../../src/adapters/notify/twilioSms.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { createProvider } from '../../src/data/providers/index.ts';
import { openLiveRuntime, type LiveRuntime } from '../../src/live/runtime.ts';
import { Scheduler } from '../../src/live/scheduler.ts';
import { twilioWebhook, TWILIO_SMS_PATH } from '../../src/server/routes/twilioWebhook.ts';
import { loadAgentData } from '../../src/strategy/agent/agentData.ts';
import { agentFeatures, AGENT_FEATURES } from '../../src/strategy/agent/agentFeatures.ts';
import { agentScheduleFromEnv, registerAgentJob } from '../../src/strategy/agent/agentJob.ts';
import { agentModelDir, fallbackPBull, trainAgentModels } from '../../src/strategy/agent/agentModels.ts';
import { runAgent, type AgentDeps, type AgentRunResult } from '../../src/strategy/agent/agentRun.ts';
import { readPredictionTrail } from '../../src/strategy/agent/predictionTrail.ts';
import { FakeTwilio } from '../support/fakeTwilio.ts';
import { runCli } from '../support/cli.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'test-auth-token-0123456789';
const FROM = '+15550001111';
const OPERATOR = '+15557654321';
const PUBLIC_URL = 'https://tradepilot.example.com';
/** Tiny models: the tests check the loop, not the models' skill. */
const TINY = { gbdt: { rounds: 8 }, lstm: { epochs: 1, hidden: 4, window: 10 } };

describe('the agent end to end (USE_MOCK_DATA=true, DRY_RUN=true, fake Twilio)', () => {
  const fake = new FakeTwilio(SID, TOKEN);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let cfg: Config;
  let clock: SimulatedClock;
  let rt: LiveRuntime;
  let app: FastifyInstance;
  let deps: AgentDeps;
  let first: AgentRunResult;
  let seq = 0;

  beforeAll(async () => {
    const base = await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'tp-agent-'));
    env = {
      TRADEPILOT_DB: join(dir, 'tp.db'),
      MODEL_DIR: join(dir, 'models'),
      USE_MOCK_DATA: 'true',
      DRY_RUN: 'true',
      SIGNAL_CONFIDENCE_THRESHOLD: '0.5',
      SMS_CONFIRMATION_TIMEOUT: '900',
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: FROM,
      TWILIO_API_BASE_URL: base,
      OPERATOR_PHONE_NUMBER: OPERATOR,
      LOG_LEVEL: 'silent',
    };
    cfg = loadConfig({ env, envFile: false });
    // After the close of Monday 3 June 2024, so that day's bar is final.
    clock = new SimulatedClock(Date.UTC(2024, 5, 3, 21, 0));
    const provider = createProvider('mock', { clock });
    const data = await loadAgentData(provider, 'TQQQ', clock.now(), 6 * 365);
    trainAgentModels(agentModelDir(cfg.MODEL_DIR, 'TQQQ'), 'TQQQ', agentFeatures(data), data.bars.close, TINY);
    rt = await openLiveRuntime(cfg, { clock, notifier: new TwilioSmsNotifier({ accountSid: SID, authToken: TOKEN, from: FROM, apiBaseUrl: base }) });
    deps = { store: rt.store, clock, provider, confirmations: rt.confirmations, modelDir: cfg.MODEL_DIR, threshold: cfg.SIGNAL_CONFIDENCE_THRESHOLD, logger: createLogger('silent') };
    app = Fastify();
    await twilioWebhook(app, { store: rt.store, confirmations: rt.confirmations, authToken: TOKEN, publicUrl: PUBLIC_URL });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await rt?.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** POST a reply the way Twilio does: form-encoded, signed over the public URL. */
  async function reply(body: string) {
    const params = { MessageSid: `SMagent${++seq}`, AccountSid: SID, From: OPERATOR, To: FROM, Body: body, NumMedia: '0' };
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC_URL}${TWILIO_SMS_PATH}`, params) };
    return app.inject({ method: 'POST', url: TWILIO_SMS_PATH, headers, payload: new URLSearchParams(params).toString() });
  }

  it('runs end to end with the trained models: logs a signal and texts exactly the required SMS', async () => {
    first = await runAgent(deps, { symbol: 'TQQQ', quantity: 3 });
    expect(first.warnings).toEqual([]);
    expect(first.models.classifier).toMatchObject({ kind: 'gbdt', version: 1 });
    expect(first.models.lstm).toMatchObject({ kind: 'regime-lstm', version: 1 });
    expect(first.prediction.votes.map((v) => v.model)).toEqual(['sma200-rule', 'classifier:gbdt@v1', 'lstm:regime-lstm@v1']);
    expect(first.prediction.barTime).toBe('2024-06-03T00:00:00.000Z');
    // The mock's TQQQ is well above its SMA-200 on that date and both models lean bull: a BUY above the 0.5 threshold.
    expect(first.prediction.action).toBe('BUY');
    expect(first.prediction.confidence).toBeGreaterThanOrEqual(0.5);
    expect(first.prediction.line).toMatch(/^TQQQ 2024-06-03: BUY at \d+\.\d\d, confidence \d+% — sma200-rule /);
    expect(first.alert).toMatchObject({ instrument: 'stock', ticker: 'TQQQ', action: 'BUY', quantity: 3, entry_price: first.prediction.close });
    const id = first.confirmation_id!;
    expect(id).toMatch(/^[0-9A-Z]{4,32}$/);
    const expected = `TQQQ signal: BUY — Confidence: ${Math.round(first.prediction.confidence * 100)}% — Reply YES to execute, NO to skip. ID:${id}`;
    expect(first.text).toBe(expected);
    expect(fake.messages.at(-1)).toMatchObject({ to: OPERATOR, from: FROM, body: expected });
    const events = await rt.store.events({ correlationId: first.prediction_id, order: 'asc' });
    expect(events.map((e) => e.type)).toEqual(['agent.data', 'agent.features', 'agent.models', 'agent.prediction', 'agent.alert', 'confirmation.requested', 'message.sent']);
  });

  it('a signed YES records the confirmation and a simulated (paper) order through the gate', async () => {
    const res = await reply(`YES ${first.confirmation_id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Done: paper BUY 3 TQQQ');
    const c = await rt.confirmations.get(first.confirmation_id!);
    expect(c.status).toBe('executed');
    const orders = await rt.store.db.selectFrom('orders').selectAll().where('prediction_id', '=', first.prediction_id).execute();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ mode: 'paper', broker: 'paper', side: 'buy', qty: 3, symbol: 'TQQQ', confirmation_id: c.id, ref_price: first.prediction.close });
    expect(JSON.parse(orders[0]!.receipt!)).toMatchObject({ symbol: 'TQQQ', side: 'buy' });
  });

  it('reads back raw data, features, model versions, prediction, messages, confirmation and receipt for the prediction id', async () => {
    const t = await readPredictionTrail(rt.store, first.prediction_id);
    const data = t.data as { provider: string; bars: { time: string; close: number; vix_close: number | null }[] };
    expect(data.provider).toBe('mock');
    expect(data.bars.length).toBeGreaterThan(300);
    expect(data.bars.at(-1)).toMatchObject({ time: '2024-06-03T00:00:00.000Z', close: first.prediction.close });
    expect(data.bars.at(-1)!.vix_close).toBeGreaterThan(0);
    const features = t.features as { columns: string[]; snapshot: Record<string, number | null> };
    expect(features.columns).toEqual([...AGENT_FEATURES]);
    expect(features.snapshot.vix_close).toBe(data.bars.at(-1)!.vix_close);
    expect(t.models).toMatchObject({ version: 1, classifier: { kind: 'gbdt', version: 1 }, lstm: { kind: 'regime-lstm', version: 1 }, warnings: [] });
    expect(t.prediction).toMatchObject({ action: 'BUY', confidence: first.prediction.confidence, drill: false, threshold: 0.5 });
    expect(t.alerts.map((a) => a.alert_id)).toEqual([first.alert!.alert_id]);
    expect(t.confirmations.map((c) => [c.id, c.status])).toEqual([[first.confirmation_id, 'executed']]);
    expect(t.messages.map((m) => m.direction)).toEqual(['out', 'in']);
    expect(t.messages[1]).toMatchObject({ body: `YES ${first.confirmation_id}`, verified: 1, prediction_id: first.prediction_id });
    expect(t.messages[1]!.signature).toBeTruthy();
    expect(t.orders).toHaveLength(1);
    expect(t.orders[0]!.receipt).toBeTruthy();
    const types = t.events.map((e) => e.type);
    for (const ty of ['agent.data', 'agent.features', 'agent.models', 'agent.prediction', 'agent.alert', 'confirmation.requested', 'message.sent', 'message.received', 'confirmation.confirmed', 'order.submitted', 'order.receipt', 'confirmation.executed']) {
      expect(types).toContain(ty);
    }
    await expect(readPredictionTrail(rt.store, 'no-such-prediction')).rejects.toThrow(/no recorded prediction/);
  });

  it('a broken model file falls back to the documented rule with a warning, and the run still completes', async () => {
    const broken = join(dir, 'broken-models');
    cpSync(cfg.MODEL_DIR, broken, { recursive: true });
    writeFileSync(join(agentModelDir(broken, 'TQQQ'), 'classifier_v1.json'), '{"kind":"gbdt","trees":[{"no');
    const sent = fake.messages.length;
    const r = await runAgent({ ...deps, modelDir: broken }, { symbol: 'TQQQ' });
    expect(r.models.classifier).toEqual({ kind: 'fallback-rule', version: null, path: null });
    expect(r.models.lstm).toMatchObject({ kind: 'regime-lstm', version: 1 });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/classifier model .*classifier_v1\.json v1 could not be used \(.*not valid JSON\); falling back to the rule/);
    expect(r.prediction.votes[1]!.model).toBe('classifier:fallback-rule');
    const trail = await readPredictionTrail(rt.store, r.prediction_id);
    expect(trail.models).toMatchObject({ warnings: r.warnings });
    // The fallback is the documented rule: sigmoid(10 dist_sma_200 + 5 ret_21) at the snapshot.
    const snap = (trail.features as { snapshot: Record<string, number> }).snapshot;
    expect(r.prediction.votes[1]!.pBull).toBeCloseTo(1 / (1 + Math.exp(-(10 * snap.dist_sma_200! + 5 * snap.ret_21!))), 12);
    expect(r.alert === null ? fake.messages.length === sent : fake.messages.length === sent + 1).toBe(true);
  });

  it('no models at all: both learned voters fall back and the run completes', async () => {
    const r = await runAgent({ ...deps, modelDir: join(dir, 'empty') }, { symbol: 'TQQQ' });
    expect(r.models.classifier.kind).toBe('fallback-rule');
    expect(r.models.lstm.kind).toBe('fallback-rule');
    expect(r.warnings[0]).toMatch(/^no usable agent models in .*both models fall back to the rule \(run `tradepilot agent train`\)$/);
  });

  it('below the threshold it logs the signal but raises no alert and sends no text', async () => {
    const sent = fake.messages.length;
    const r = await runAgent({ ...deps, threshold: 0.99 }, { symbol: 'TQQQ' });
    expect(r.alert).toBeNull();
    expect(r.confirmation_id).toBeNull();
    expect(r.no_alert_reason).toMatch(/below SIGNAL_CONFIDENCE_THRESHOLD 0.99|HOLD/);
    expect(fake.messages.length).toBe(sent);
    const types = (await rt.store.events({ correlationId: r.prediction_id })).map((e) => e.type);
    expect(types).toContain('agent.prediction');
    expect(types).toContain('agent.no_alert');
  });

  it('the fallback rule is 0.5 at the average and rises with trend and momentum', () => {
    const m = { set: 'x', hash: '', timeframe: '1d' as const, columns: ['dist_sma_200', 'ret_21'], nRows: 2, data: Float64Array.of(0, 0.05, 0, 0), time: Float64Array.of(0, 1), skipped: [] };
    expect(fallbackPBull(m, 0)).toBe(0.5);
    expect(fallbackPBull(m, 1)).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 14);
  });

  it('runs on the serve scheduler as the agent.run job', async () => {
    const schedule = agentScheduleFromEnv({ AGENT_CRON: '0 22 * * 1-5', AGENT_SYMBOLS: 'tqqq', AGENT_QUANTITY: '2' });
    expect(schedule).toEqual({ cron: '0 22 * * 1-5', symbols: ['TQQQ'], quantity: 2 });
    expect(agentScheduleFromEnv({ AGENT_CRON: 'off' })).toBeNull();
    const scheduler = new Scheduler({ clock, store: rt.store });
    registerAgentJob(scheduler, { ...deps, logger: createLogger('silent') }, schedule!);
    const before = (await rt.store.events({ type: 'agent.prediction' })).length;
    expect(await scheduler.runNow('agent.run')).toBe(true);
    const job = scheduler.status().find((j) => j.name === 'agent.run')!;
    expect(job).toMatchObject({ cron: '0 22 * * 1-5', runs: 1, failures: 0 });
    expect((await rt.store.events({ type: 'agent.prediction' })).length).toBe(before + 1);
  });

  it('CLI: agent run --signal SELL --json is a recorded fire drill with a pending confirmation; bad input exits 2', async () => {
    const sent = fake.messages.length;
    const r = await runCli(['agent', 'run', '--symbol', 'TQQQ', '--signal', 'sell', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = r.json() as AgentRunResult;
    expect(doc.drill).toBe(true);
    expect(doc.prediction.action).toBe('SELL');
    expect(doc.alert).toMatchObject({ action: 'SELL', ticker: 'TQQQ' });
    expect(doc.confirmation_id).toMatch(/^[0-9A-Z]{4,32}$/);
    expect(fake.messages.length).toBe(sent + 1);
    expect(fake.messages.at(-1)!.body).toBe(`TQQQ signal: SELL — Confidence: ${Math.round(doc.prediction.confidence * 100)}% — Reply YES to execute, NO to skip. ID:${doc.confirmation_id}`);
    const list = await runCli(['confirmations', 'list', '--json'], env);
    const rows = (list.json() as { confirmations: { id: string; status: string; drill: boolean; prediction_id: string }[] }).confirmations;
    expect(rows.find((c) => c.id === doc.confirmation_id)).toMatchObject({ status: 'pending', drill: true, prediction_id: doc.prediction_id });
    const trail = await runCli(['agent', 'trail', doc.prediction_id, '--json'], env);
    expect(trail.code).toBe(0);
    expect((trail.json() as { prediction: { drill: boolean } }).prediction.drill).toBe(true);
    const bad = await runCli(['agent', 'run', '--signal', 'HOLD', '--json'], env);
    expect(bad.code).toBe(2);
    expect((bad.json() as { error: { message: string } }).error.message).toMatch(/--signal must be BUY or SELL/);
  });
});
