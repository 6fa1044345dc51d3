/**
 * Exact second-order quantities by double backward: the first gradient is recorded
 * (createGraph) and differentiated again. No finite differences anywhere.
 */
import { BadInputError } from '../../core/errors.ts';
import { grad } from './autograd.ts';
import { add, mul, sum, zerosLike } from './ops.ts';
import { type Tensor, fmtShape } from './tensor.ts';

/** Result of `hvp`: the loss, its gradient and the Hessian-vector product at the parameters. */
export interface HvpResult {
  loss: number;
  grad: Tensor[];
  hv: Tensor[];
}

/**
 * H·v for the scalar `loss()` with respect to `params` (Pearlmutter's product computed as
 * the gradient of <∇f, v>). `v` has one tensor per parameter, same shapes.
 */
export function hvp(loss: () => Tensor, params: readonly Tensor[], v: readonly Tensor[]): HvpResult {
  if (v.length !== params.length) throw new BadInputError(`hvp: ${v.length} directions for ${params.length} parameters`);
  params.forEach((p, i) => {
    if (v[i]!.size !== p.size) throw new BadInputError(`hvp: direction ${i} has shape ${fmtShape(v[i]!.shape)}, parameter has ${fmtShape(p.shape)}`);
  });
  const l = loss();
  const g = grad(l, params, { createGraph: true, allowUnused: true });
  let dot: Tensor | null = null;
  g.forEach((gi, i) => {
    if (!gi.requiresGrad) return; // a gradient that does not depend on the parameters has zero Hessian rows
    const term = sum(mul(gi, v[i]!.detach()));
    dot = dot === null ? term : add(dot, term);
  });
  const hv = dot === null ? params.map((p) => zerosLike(p)) : grad(dot, params, { allowUnused: true });
  return { loss: l.item(), grad: g.map((t) => t.detach()), hv };
}
