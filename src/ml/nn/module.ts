/**
 * Modules own named parameters and child modules (torch.nn.Module's naming: "head.weight"),
 * and `Sequential` chains single-input layers.
 */
import { BadInputError } from '../../core/errors.ts';
import type { Tensor } from './tensor.ts';

/** Anything that maps one tensor to one tensor. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

/** Base of every layer: named parameters, children, train/eval mode. */
export abstract class Module {
  /** Training mode (dropout active); `eval()` turns it off. */
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Registers a trainable parameter under `name`. */
  protected addParam(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.ownParams.set(name, t);
    return t;
  }

  /** Registers a child module under `name` (its parameters become "name.param"). */
  protected addChild<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Parameters with dotted names, in registration order (own first, then children). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.ownParams) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** All parameters, in the order of `namedParameters`. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Sets training mode here and in every child. */
  train(on = true): this {
    this.training = on;
    for (const m of this.children.values()) m.train(on);
    return this;
  }

  /** Inference mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }
}

/** Layers applied one after another; parameters are named "0.weight", "1.weight", ... */
export class Sequential extends Module implements Layer {
  readonly layers: readonly (Module & Layer)[];
  constructor(layers: readonly (Module & Layer)[]) {
    super();
    if (layers.length === 0) throw new BadInputError('Sequential needs at least one layer');
    this.layers = layers;
    layers.forEach((l, i) => this.addChild(String(i), l));
  }

  /** Runs every layer in order. */
  forward(x: Tensor): Tensor {
    let h = x;
    for (const l of this.layers) h = l.forward(h);
    return h;
  }
}
