/**
 * Dense row-major tensors over Float64Array / Float32Array and the tape that records how
 * each was made. Ops live in ops.ts; the reverse pass in autograd.ts.
 */
import { Rng } from '../../core/rng.ts';
import { BadInputError } from '../../core/errors.ts';

/** Element type of a tensor: float64 for checks against references, float32 for speed. */
export type DType = 'float64' | 'float32';
/** The typed array behind a tensor. */
export type Data = Float64Array | Float32Array;

/** A fresh zero-filled array of `n` elements of `dtype`. */
export function alloc(dtype: DType, n: number): Data {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** The dtype of a typed array. */
export function dtypeOf(d: Data): DType {
  return d instanceof Float64Array ? 'float64' : 'float32';
}

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

let gradEnabled = true;

/** True when ops record themselves on the tape (see `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with recording on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` without recording (inference, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Backward rule of a node: given the gradient of each output (null = zero), the gradient of
 * each input (null = none). Rules are written with ops, so under createGraph they record too.
 */
export type BackwardFn = (grads: readonly (Tensor | null)[]) => (Tensor | null)[];

/** One recorded op: its inputs, outputs and backward rule. */
export class Node {
  outputs: Tensor[] = [];
  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly backward: BackwardFn,
  ) {}
}

/** A dense row-major n-d array with an optional gradient. */
export class Tensor {
  /** Accumulated gradient (leaves, after `backward`). */
  grad: Tensor | null = null;
  /** The op that made this tensor, when it was recorded. */
  node: Node | null = null;
  /** Index of this tensor among its node's outputs. */
  outputIndex = 0;
  /** Whether gradients flow to (or through) this tensor. */
  requiresGrad: boolean;
  /** Number of elements. */
  readonly size: number;

  constructor(
    readonly data: Data,
    readonly shape: readonly number[],
    requiresGrad = false,
  ) {
    this.size = numel(shape);
    if (this.size !== data.length) throw new BadInputError(`tensor shape [${shape.join(', ')}] needs ${this.size} values, got ${data.length}`);
    this.requiresGrad = requiresGrad;
  }

  /** Element type. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new BadInputError(`item() needs a one-element tensor, shape is [${this.shape.join(', ')}]`);
    return this.data[0]!;
  }

  /** Same values, cut from the tape (shares the buffer). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy of the values in a new buffer, off the tape. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** Nested plain arrays (for JSON and tests). */
  toArray(): unknown {
    const rec = (dim: number, off: number): unknown => {
      if (dim === this.shape.length) return this.data[off];
      const stride = numel(this.shape.slice(dim + 1));
      const out: unknown[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(rec(dim + 1, off + i * stride));
      return out;
    };
    return rec(0, 0);
  }
}

/** Zeros of `shape`. */
export function zeros(shape: readonly number[], dtype: DType = 'float64', requiresGrad = false): Tensor {
  return new Tensor(alloc(dtype, numel(shape)), shape, requiresGrad);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float64'): Tensor {
  const t = zeros(shape, dtype);
  t.data.fill(value);
  return t;
}

/** A scalar (shape []). */
export function scalar(value: number, dtype: DType = 'float64'): Tensor {
  return full([], value, dtype);
}

/** A tensor from (nested) number arrays; the shape is inferred unless given. */
export function tensor(values: unknown, opts: { shape?: readonly number[]; dtype?: DType; requiresGrad?: boolean } = {}): Tensor {
  const shape: number[] = [];
  if (opts.shape === undefined) {
    let v: unknown = values;
    while (Array.isArray(v)) {
      shape.push(v.length);
      v = v[0];
    }
  }
  const flat: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (typeof v === 'number') flat.push(v);
    else throw new BadInputError(`tensor values must be numbers, got ${typeof v}`);
  };
  if (ArrayBuffer.isView(values)) flat.push(...(values as unknown as ArrayLike<number> & Iterable<number>));
  else walk(values);
  const dtype = opts.dtype ?? 'float64';
  const data = dtype === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat);
  return new Tensor(data, opts.shape ?? shape, opts.requiresGrad ?? false);
}

/** Standard-normal values times `std`, from a seeded Rng. */
export function randn(shape: readonly number[], rng: Rng, std = 1, dtype: DType = 'float64'): Tensor {
  const t = zeros(shape, dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = std * rng.normal();
  return t;
}

/** Uniform values in [lo, hi), from a seeded Rng. */
export function uniform(shape: readonly number[], rng: Rng, lo: number, hi: number, dtype: DType = 'float64'): Tensor {
  const t = zeros(shape, dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(lo, hi);
  return t;
}

/** Marks a tensor as a trainable leaf (returns it). */
export function param(t: Tensor): Tensor {
  t.requiresGrad = true;
  return t;
}

/**
 * Records an op's outputs on the tape when recording is on and any input needs gradients.
 * Returns the outputs (so ops can `return record(...)[0]`).
 */
export function record(op: string, inputs: readonly Tensor[], outputs: Tensor[], backward: BackwardFn): Tensor[] {
  if (!gradEnabled) return outputs;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return outputs;
  const node = new Node(op, inputs, backward);
  node.outputs = outputs;
  outputs.forEach((o, i) => {
    o.node = node;
    o.outputIndex = i;
    o.requiresGrad = true;
  });
  return outputs;
}

/** Throws unless both tensors have the same dtype. */
export function sameDtype(a: Tensor, b: Tensor, op: string): void {
  if (a.dtype !== b.dtype) throw new BadInputError(`${op}: dtype mismatch (${a.dtype} vs ${b.dtype})`);
}

/** "[2, 3]" for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
