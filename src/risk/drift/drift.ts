/** Feature drift: KS and PSI per feature of a live window against the training distribution, with alert thresholds. */
import { BadInputError } from '../../core/errors.ts';
import { ksTest2, type KsResult } from './ks.ts';
import { psi } from './psi.ts';

/** Thresholds: PSI >= psiWarn warns, >= psiAlert alerts; KS p < ksAlpha alerts. */
export interface DriftThresholds {
  psiWarn: number;
  psiAlert: number;
  ksAlpha: number;
}

/** Industry-standard PSI bands (0.1 / 0.25) and a 1% KS level. */
export const defaultDriftThresholds: DriftThresholds = { psiWarn: 0.1, psiAlert: 0.25, ksAlpha: 0.01 };

/** Drift status of one feature. */
export type DriftStatus = 'stable' | 'warn' | 'alert';

/** One feature's drift statistics. */
export interface FeatureDrift {
  feature: string;
  ks: KsResult;
  psi: number;
  status: DriftStatus;
  reasons: string[];
}

/** Drift of every shared feature, and the features that raise an alert. */
export interface DriftReport {
  features: FeatureDrift[];
  alert: boolean;
  alerts: string[];
}

/** Compare each feature present in both tables. */
export function driftReport(
  reference: ReadonlyMap<string, Float64Array>,
  current: ReadonlyMap<string, Float64Array>,
  th: DriftThresholds = defaultDriftThresholds,
): DriftReport {
  const names = [...reference.keys()].filter((k) => current.has(k));
  if (names.length === 0) throw new BadInputError(`drift: no feature columns in common (reference has ${[...reference.keys()].join(', ')})`);
  const features: FeatureDrift[] = names.map((f) => {
    const ks = ksTest2(reference.get(f)!, current.get(f)!);
    const p = psi(reference.get(f)!, current.get(f)!).psi;
    const reasons: string[] = [];
    let status: DriftStatus = 'stable';
    if (p >= th.psiAlert) {
      status = 'alert';
      reasons.push(`PSI ${p.toFixed(3)} >= ${th.psiAlert}`);
    } else if (p >= th.psiWarn) {
      status = 'warn';
      reasons.push(`PSI ${p.toFixed(3)} >= ${th.psiWarn}`);
    }
    if (ks.pValue < th.ksAlpha) {
      status = 'alert';
      reasons.push(`KS p ${ks.pValue.toExponential(2)} < ${th.ksAlpha}`);
    }
    return { feature: f, ks, psi: p, status, reasons };
  });
  const alerts = features.filter((f) => f.status === 'alert').map((f) => `${f.feature}: ${f.reasons.join('; ')}`);
  return { features, alert: alerts.length > 0, alerts };
}
