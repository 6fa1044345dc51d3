import { describe, expect, it } from 'vitest';
import { accuracy, brierScore, logLoss, precisionRecallF1 } from './classification.ts';
import { informationCoefficient, rankIC } from './ic.ts';
import { rocAuc } from './rocAuc.ts';

// Reference values computed by hand and with scikit-learn's definitions.
describe('metrics', () => {
  const y = [0, 0, 1, 1, 1, 0, 1, 0];
  const p = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.6];
  it('ROC AUC equals the pairwise definition, ties counted one half', () => {
    // positives 0.35,0.8,0.7,0.9 vs negatives 0.1,0.4,0.2,0.6: pairs won = 2+4+4+4 = 14 of 16
    expect(rocAuc(y, p)).toBeCloseTo(14 / 16, 15);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 15);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });
  it('accuracy, precision/recall/F1', () => {
    const pred = p.map((v) => (v >= 0.5 ? 1 : 0));
    expect(accuracy(y, pred)).toBeCloseTo(6 / 8, 15);
    const pr = precisionRecallF1(y, pred);
    expect(pr.precision).toBeCloseTo(3 / 4, 15);
    expect(pr.recall).toBeCloseTo(3 / 4, 15);
    expect(pr.f1).toBeCloseTo(3 / 4, 15);
    expect(precisionRecallF1([0, 0], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
  it('log loss and Brier', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    expect(brierScore([1, 0], [0.8, 0.3])).toBeCloseTo((0.04 + 0.09) / 2, 15);
    expect(() => logLoss([1], [0.5, 0.5])).toThrow(/1 labels but 2 predictions/);
  });
  it('IC and rank IC', () => {
    expect(informationCoefficient([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 15);
    // Spearman with ties: ranks a = 1,2.5,2.5,4 ; b = 1,2,3,4
    expect(rankIC([1, 5, 5, 9], [10, 20, 30, 40])).toBeCloseTo(0.9486832980505138, 14);
    expect(rankIC([1, 2, 3], [3, 1, NaN])).toBeCloseTo(-1, 15);
  });
});
