/**
 * Reverse-mode differentiation over the tape recorded by ops. Backward rules are themselves
 * written with ops, so `createGraph: true` records the backward pass and gradients can be
 * differentiated again (Hessian-vector products, second-order MAML).
 */
import { BadInputError } from '../../core/errors.ts';
import { add, onesLike, zerosLike } from './ops.ts';
import { type Node, type Tensor, fmtShape, withGradMode } from './tensor.ts';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Options of `grad` and `backward`. */
export interface GradOptions {
  /** Gradient of each output (default: ones for a one-element output). */
  gradOutputs?: readonly (Tensor | null | undefined)[];
  /** Record the backward pass so its results can be differentiated again. */
  createGraph?: boolean;
  /** Return zeros instead of failing for an input the outputs do not depend on. */
  allowUnused?: boolean;
}

/** Nodes reachable from `roots`, producers before consumers (iterative DFS: no recursion limit). */
function topoNodes(roots: readonly Tensor[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: { node: Node; next: number }[] = [];
  for (const r of roots) {
    if (r.node === null || seen.has(r.node)) continue;
    seen.add(r.node);
    stack.push({ node: r.node, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.node.inputs.length) {
        const child = top.node.inputs[top.next++]!.node;
        if (child !== null && !seen.has(child)) {
          seen.add(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}

function seedGrads(outputs: readonly Tensor[], gradOutputs: GradOptions['gradOutputs']): Tensor[] {
  return outputs.map((o, i) => {
    const g = gradOutputs?.[i];
    if (g !== undefined && g !== null) {
      if (g.size !== o.size) throw new BadInputError(`grad: gradient for output ${i} has shape ${fmtShape(g.shape)}, output has ${fmtShape(o.shape)}`);
      return g;
    }
    if (o.size !== 1) throw new BadInputError(`grad: output ${i} has shape ${fmtShape(o.shape)}; give gradOutputs for non-scalar outputs`);
    return onesLike(o);
  });
}

/** Runs the reverse pass; returns the gradient of every tensor kept by `keep`. */
function reverse(outputs: readonly Tensor[], seeds: readonly Tensor[], createGraph: boolean, wanted: ReadonlySet<Tensor> | null): Map<Tensor, Tensor> {
  const nodes = topoNodes(outputs);
  // Only nodes with a path to a wanted tensor need their backward rule run.
  let needed: Set<Node> | null = null;
  if (wanted !== null) {
    needed = new Set();
    for (const n of nodes) {
      for (const inp of n.inputs) {
        if (wanted.has(inp) || (inp.node !== null && needed.has(inp.node))) {
          needed.add(n);
          break;
        }
      }
    }
  }
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    grads.set(t, prev === undefined ? g : add(prev, g));
  };
  withGradMode(createGraph, () => {
    outputs.forEach((o, i) => accumulate(o, seeds[i]!));
    for (let k = nodes.length - 1; k >= 0; k--) {
      const node = nodes[k]!;
      if (needed !== null && !needed.has(node)) continue;
      let any = false;
      const gOut = node.outputs.map((o) => {
        const g = grads.get(o) ?? null;
        if (g !== null) any = true;
        return g;
      });
      if (!any) continue;
      const gIn = node.backward(gOut);
      for (let i = 0; i < node.inputs.length; i++) {
        const inp = node.inputs[i]!;
        const g = gIn[i];
        if (g === null || g === undefined || !inp.requiresGrad) continue;
        if (!sameShape(g.shape, inp.shape)) throw new Error(`internal: ${node.op} backward gave ${fmtShape(g.shape)} for input ${fmtShape(inp.shape)}`);
        accumulate(inp, g);
      }
      // Intermediate gradients are dropped as soon as they are used, unless asked for.
      for (const o of node.outputs) if (wanted === null || !wanted.has(o)) grads.delete(o);
    }
  });
  return grads;
}

/**
 * Gradients of `outputs` with respect to `inputs` (torch.autograd.grad). Leaves' `.grad` is
 * left untouched. With `createGraph` the results are on the tape.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], opts: GradOptions = {}): Tensor[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const seeds = seedGrads(outs, opts.gradOutputs);
  const wanted = new Set(inputs);
  const grads = reverse(outs, seeds, opts.createGraph ?? false, wanted);
  return inputs.map((t, i) => {
    const g = grads.get(t);
    if (g !== undefined) return g;
    if (!(opts.allowUnused ?? false)) throw new BadInputError(`grad: input ${i} (shape ${fmtShape(t.shape)}) is not used by the outputs; pass allowUnused`);
    return zerosLike(t);
  });
}

/**
 * Accumulates d(output)/d(leaf) into every trainable leaf's `.grad` (torch's loss.backward()).
 * A leaf's `.grad` is its own buffer, so in-place edits (clipping) never touch another's.
 */
export function backward(output: Tensor, opts: { gradOutput?: Tensor; createGraph?: boolean } = {}): void {
  if (!output.requiresGrad) throw new BadInputError('backward: the output does not depend on any tensor that requires grad');
  const createGraph = opts.createGraph ?? false;
  const grads = reverse([output], seedGrads([output], [opts.gradOutput]), createGraph, null);
  withGradMode(createGraph, () => {
    for (const [t, g] of grads) {
      if (t.node !== null || !t.requiresGrad) continue;
      t.grad = t.grad === null ? (createGraph ? g : g.clone()) : add(t.grad, g);
    }
  });
}
