import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNumericCsv } from '../data.ts';
import { gbdtPredict } from '../tree/gbdt.ts';
import { importXgboostJson } from './xgboost.ts';

const fx = (f: string): string => new URL(`../../../test/fixtures/${f}`, import.meta.url).pathname;

describe('XGBoost JSON import', () => {
  it('reproduces xgb_binary_pred.csv to 1e-6, NaN routing included', () => {
    const { model, featureNames } = importXgboostJson(JSON.parse(readFileSync(fx('xgb_binary.json'), 'utf8')), 'xgb_binary.json');
    expect(featureNames).toHaveLength(40);
    const X = readNumericCsv(fx('xgb_binary_input.csv'));
    const want = readNumericCsv(fx('xgb_binary_pred.csv'));
    let nan = 0;
    for (let i = 0; i < X.rows; i++) if (Number.isNaN(X.data[3 * X.rows + i]!)) nan++;
    expect(nan).toBeGreaterThan(50);
    const p = gbdtPredict(model, X);
    let worst = 0;
    for (let i = 0; i < X.rows; i++) worst = Math.max(worst, Math.abs(p[i]! - want.data[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('refuses a file that is not an XGBoost model, naming it', () => {
    expect(() => importXgboostJson({ learner: {} }, 'bad.json')).toThrow(/bad.json: not an XGBoost JSON model/);
  });
});
