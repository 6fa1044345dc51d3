import { describe, expect, it } from 'vitest';
import { liveTradingAllowed, loadConfig, redactConfig, redactUrl } from './config.ts';

describe('config', () => {
  it('defaults to safe values', () => {
    const c = loadConfig({ env: {}, envFile: false });
    expect(c.DRY_RUN).toBe(true);
    expect(c.ENV).toBe('development');
    expect(liveTradingAllowed(c)).toBe(false);
  });
  it('needs all three for live trading', () => {
    const key = 'k'.repeat(32);
    expect(liveTradingAllowed(loadConfig({ env: { DRY_RUN: 'false', ENV: 'production', ADMIN_KEY: key }, envFile: false }))).toBe(true);
    expect(liveTradingAllowed(loadConfig({ env: { DRY_RUN: 'false', ENV: 'production' }, envFile: false }))).toBe(false);
    expect(liveTradingAllowed(loadConfig({ env: { DRY_RUN: 'false', ADMIN_KEY: key }, envFile: false }))).toBe(false);
    expect(liveTradingAllowed(loadConfig({ env: { ENV: 'production', ADMIN_KEY: key }, envFile: false }))).toBe(false);
  });
  it('names the bad variable', () => {
    expect(() => loadConfig({ env: { SIGNAL_CONFIDENCE_THRESHOLD: '7' }, envFile: false })).toThrow(/SIGNAL_CONFIDENCE_THRESHOLD/);
    expect(() => loadConfig({ env: { DRY_RUN: 'maybe' }, envFile: false })).toThrow(/DRY_RUN/);
  });
  it('flags beat the environment', () => {
    expect(loadConfig({ env: { TRADEPILOT_DB: 'a.db' }, envFile: false, overrides: { TRADEPILOT_DB: 'b.db' } }).TRADEPILOT_DB).toBe('b.db');
  });
  it('redacts secrets and passwords', () => {
    const c = loadConfig({ env: { TWILIO_AUTH_TOKEN: 'supersecret', DATABASE_URL: 'postgres://u:pw@h/db' }, envFile: false });
    const r = JSON.stringify(redactConfig(c));
    expect(r).not.toContain('supersecret');
    expect(r).not.toContain(':pw@');
    expect(redactUrl('redis://:pw@h:6379')).not.toContain('pw');
  });
});
