/**
 * Finite-difference gradient check: compares the tape's gradients with central differences
 * of the function itself. For tests of new ops and layers (float64 only).
 */
import { BadInputError } from '../../core/errors.ts';
import { grad } from './autograd.ts';
import { mul, sum } from './ops.ts';
import type { Tensor } from './tensor.ts';

/** Outcome of `gradCheck`: the worst absolute and relative (to max(1, |fd|)) errors. */
export interface GradCheckResult {
  maxAbsError: number;
  maxRelError: number;
  ok: boolean;
}

/**
 * Checks d(<f(inputs), w>)/d(inputs) against central differences, with a fixed random-ish
 * projection w so every output element counts. `f` must be deterministic (seed any dropout
 * inside it). Inputs must be float64 tensors with requiresGrad.
 */
export function gradCheck(f: (inputs: readonly Tensor[]) => Tensor, inputs: readonly Tensor[], opts: { eps?: number; tol?: number } = {}): GradCheckResult {
  const eps = opts.eps ?? 1e-6;
  const tol = opts.tol ?? 1e-6;
  for (const t of inputs) if (t.dtype !== 'float64' || !t.requiresGrad) throw new BadInputError('gradCheck: inputs must be float64 with requiresGrad');
  const out0 = f(inputs);
  const w = out0.clone();
  for (let i = 0; i < w.size; i++) w.data[i] = 0.5 + ((i * 7919) % 13) / 13;
  // Recording stays on: `f` may itself call grad() (second-order checks).
  const objective = (): number => {
    const o = f(inputs);
    let s = 0;
    for (let i = 0; i < o.size; i++) s += o.data[i]! * w.data[i]!;
    return s;
  };
  const analytic = grad(sum(mul(out0, w)), inputs, { allowUnused: true });
  let maxAbs = 0;
  let maxRel = 0;
  inputs.forEach((t, k) => {
    for (let i = 0; i < t.size; i++) {
      const x0 = t.data[i]!;
      t.data[i] = x0 + eps;
      const fp = objective();
      t.data[i] = x0 - eps;
      const fm = objective();
      t.data[i] = x0;
      const fd = (fp - fm) / (2 * eps);
      const err = Math.abs(fd - analytic[k]!.data[i]!);
      maxAbs = Math.max(maxAbs, err);
      maxRel = Math.max(maxRel, err / Math.max(1, Math.abs(fd)));
    }
  });
  return { maxAbsError: maxAbs, maxRelError: maxRel, ok: maxRel <= tol };
}
