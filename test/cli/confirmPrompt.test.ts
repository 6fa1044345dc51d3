import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { confirmPrompt } from '../../src/cli/confirmPrompt.ts';
import type { StockAlert } from '../../src/core/alert.ts';

const alert = (ticker: string): StockAlert => ({
  alert_id: `a-${ticker}`,
  timestamp: '2001-01-02T00:00:00.000Z',
  model_id: 'swingsigma-run/' + ticker,
  action: 'BUY',
  confidence: 0.7,
  entry_price: 31.01,
  stop_loss: 29.15,
  take_profit: 34.11,
  urgency: 'normal',
  valid_until: '2001-01-03T00:00:00.000Z',
  quantity: 10,
  instrument: 'stock',
  ticker,
});

describe('the run YES/NO prompt', () => {
  it('asks again on an unclear answer, keeps lines typed ahead, and leaves the rest pending at end of input', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    input.end('maybe\nYES\nn\n');
    const p = confirmPrompt(input, output);
    expect(await p.answer(alert('INTC'), 'ID1')).toBe('YES');
    expect(await p.answer(alert('DAX'), 'ID2')).toBe('NO');
    expect(await p.answer(alert('SMI'), 'ID3')).toBeUndefined();
    expect(await p.answer(alert('KO'), 'ID4')).toBeUndefined();
    p.close();
    expect(shown.match(/place the paper order\?/g)).toHaveLength(4);
    expect(shown).toContain('BUY 10 INTC at 31.01 (p 0.70, stop 29.15, target 34.11) [ID ID1]');
  });

  it('takes an empty line or "later" as leave it pending', async () => {
    const input = new PassThrough();
    input.end('\nlater\n');
    const p = confirmPrompt(input, new PassThrough());
    expect(await p.answer(alert('INTC'), 'A')).toBeUndefined();
    expect(await p.answer(alert('DAX'), 'B')).toBeUndefined();
    p.close();
  });
});
