/**
 * Boosting objectives: gradients and hessians of the loss with respect to the
 * raw margin, the starting margin, the output transform and the evaluation loss.
 * Margins and gradients of K groups are stored group-major: group k, row i at k*n+i.
 */
import { BadInputError } from '../../core/errors.ts';

/** Objectives the booster trains. */
export const ObjectiveName = {
  binary: 'binary',
  multiclass: 'multiclass',
  squaredError: 'squared_error',
  huber: 'huber',
} as const;
export type ObjectiveName = (typeof ObjectiveName)[keyof typeof ObjectiveName];

/** What the booster needs from a loss. */
export interface Objective {
  readonly name: ObjectiveName;
  /** Trees per round (classes for softmax, else 1). */
  readonly groups: number;
  /** Starting margin per group, from the labels. */
  baseMargin(y: Float64Array): Float64Array;
  /** Fill g and h (length groups*n) at the current margins. */
  gradients(y: Float64Array, margin: Float64Array, g: Float64Array, h: Float64Array): void;
  /** Mean evaluation loss (log loss, multi log loss, RMSE or Huber loss). */
  loss(y: Float64Array, margin: Float64Array): number;
}

const EPS_H = 1e-16;

/** Logistic sigmoid, stable for large |x|. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Build an objective; labels are checked here, at the edge of the kernel. */
export function makeObjective(name: ObjectiveName, opts: { numClass?: number; huberDelta?: number } = {}): Objective {
  switch (name) {
    case 'binary':
      return binary;
    case 'multiclass': {
      const k = opts.numClass ?? 0;
      if (!Number.isInteger(k) || k < 2) throw new BadInputError(`multiclass needs numClass >= 2 (got ${k})`);
      return softmax(k);
    }
    case 'squared_error':
      return squared;
    case 'huber':
      return huber(opts.huberDelta ?? 1);
  }
}

const binary: Objective = {
  name: 'binary',
  groups: 1,
  baseMargin(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (v !== 0 && v !== 1) throw new BadInputError(`binary objective needs labels 0/1; row ${i} has ${v}`);
      s += v;
    }
    const p = Math.min(1 - 1e-6, Math.max(1e-6, s / Math.max(1, y.length)));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, m, g, h) {
    for (let i = 0; i < y.length; i++) {
      const p = sigmoid(m[i]!);
      g[i] = p - y[i]!;
      h[i] = Math.max(p * (1 - p), EPS_H);
    }
  },
  loss(y, m) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(m[i]!)));
      s -= y[i]! ? Math.log(p) : Math.log(1 - p);
    }
    return s / y.length;
  },
};

function softmax(K: number): Objective {
  return {
    name: 'multiclass',
    groups: K,
    baseMargin(y) {
      const cnt = new Float64Array(K);
      for (let i = 0; i < y.length; i++) {
        const c = y[i]!;
        if (!Number.isInteger(c) || c < 0 || c >= K) throw new BadInputError(`multiclass labels must be 0..${K - 1}; row ${i} has ${c}`);
        cnt[c]++;
      }
      const out = new Float64Array(K);
      for (let k = 0; k < K; k++) out[k] = Math.log(Math.max(cnt[k]!, 1) / Math.max(1, y.length));
      return out;
    },
    gradients(y, m, g, h) {
      const n = y.length;
      for (let i = 0; i < n; i++) {
        let mx = -Infinity;
        for (let k = 0; k < K; k++) mx = Math.max(mx, m[k * n + i]!);
        let z = 0;
        for (let k = 0; k < K; k++) z += Math.exp(m[k * n + i]! - mx);
        for (let k = 0; k < K; k++) {
          const p = Math.exp(m[k * n + i]! - mx) / z;
          g[k * n + i] = p - (y[i] === k ? 1 : 0);
          h[k * n + i] = Math.max(2 * p * (1 - p), EPS_H); // XGBoost's softmax hessian
        }
      }
    },
    loss(y, m) {
      const n = y.length;
      let s = 0;
      for (let i = 0; i < n; i++) {
        let mx = -Infinity;
        for (let k = 0; k < K; k++) mx = Math.max(mx, m[k * n + i]!);
        let z = 0;
        for (let k = 0; k < K; k++) z += Math.exp(m[k * n + i]! - mx);
        s -= m[y[i]! * n + i]! - mx - Math.log(z);
      }
      return s / n;
    },
  };
}

function meanOf(y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  return y.length ? s / y.length : 0;
}

const squared: Objective = {
  name: 'squared_error',
  groups: 1,
  baseMargin: (y) => Float64Array.of(meanOf(y)),
  gradients(y, m, g, h) {
    for (let i = 0; i < y.length; i++) {
      g[i] = m[i]! - y[i]!;
      h[i] = 1;
    }
  },
  loss(y, m) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (m[i]! - y[i]!) ** 2;
    return Math.sqrt(s / y.length);
  },
};

function huber(delta: number): Objective {
  if (!(delta > 0)) throw new BadInputError(`huber delta must be > 0 (got ${delta})`);
  return {
    name: 'huber',
    groups: 1,
    baseMargin(y) {
      // the median is the robust start for a robust loss
      const s = Float64Array.from(y).sort();
      return Float64Array.of(s.length ? s[s.length >> 1]! : 0);
    },
    gradients(y, m, g, h) {
      for (let i = 0; i < y.length; i++) {
        const r = m[i]! - y[i]!;
        g[i] = r > delta ? delta : r < -delta ? -delta : r;
        h[i] = 1; // LightGBM's choice: a constant hessian keeps Newton steps bounded
      }
    },
    loss(y, m) {
      let s = 0;
      for (let i = 0; i < y.length; i++) {
        const a = Math.abs(m[i]! - y[i]!);
        s += a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
      }
      return s / y.length;
    },
  };
}
