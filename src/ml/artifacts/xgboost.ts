/**
 * Import an XGBoost model saved in its JSON format (`save_model("m.json")`,
 * XGBoost >= 1.0, gbtree booster) into our booster. XGBoost compares in
 * float32 (x < split_condition goes left, NaN to the default side) and keeps
 * base_score as a probability for logistic objectives; both are reproduced.
 */
import { z } from 'zod';
import { TradepilotError, ErrorCode } from '../../core/errors.ts';
import type { GbdtModel } from '../tree/gbdt.ts';
import type { ObjectiveName } from '../tree/objective.ts';
import type { Tree } from '../tree/tree.ts';

const numArr = z.array(z.number());
const XgbTree = z.object({
  left_children: numArr,
  right_children: numArr,
  split_indices: numArr,
  split_conditions: numArr,
  default_left: numArr,
  base_weights: numArr.optional(),
  loss_changes: numArr.optional(),
  sum_hessian: numArr.optional(),
  split_type: numArr.optional(),
});
const XgbModel = z.object({
  learner: z.object({
    feature_names: z.array(z.string()).optional(),
    learner_model_param: z.object({ base_score: z.string(), num_class: z.string(), num_feature: z.string() }),
    objective: z.object({ name: z.string() }),
    gradient_booster: z.object({
      name: z.string(),
      model: z.object({ tree_info: numArr, trees: z.array(XgbTree) }),
    }),
  }),
});

/** An imported model with the feature names XGBoost stored (or f0..fN-1). */
export interface ImportedXgboost {
  readonly model: GbdtModel;
  readonly featureNames: string[];
  readonly xgbObjective: string;
}

const OBJECTIVES: Record<string, ObjectiveName> = {
  'binary:logistic': 'binary',
  'multi:softprob': 'multiclass',
  'multi:softmax': 'multiclass',
  'reg:squarederror': 'squared_error',
  'reg:pseudohubererror': 'huber',
};

/** Convert parsed XGBoost JSON into a booster; `source` names the file in errors. */
export function importXgboostJson(json: unknown, source = 'xgboost model'): ImportedXgboost {
  const parsed = XgbModel.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${source}: not an XGBoost JSON model: ${i.path.join('.')}: ${i.message}`);
  }
  const L = parsed.data.learner;
  const bad = (m: string): never => {
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${source}: ${m}`);
  };
  if (L.gradient_booster.name !== 'gbtree') bad(`booster "${L.gradient_booster.name}" is not supported (only gbtree)`);
  const objective = OBJECTIVES[L.objective.name] ?? bad(`objective "${L.objective.name}" is not supported (${Object.keys(OBJECTIVES).join(', ')})`);
  const nFeatures = Number(L.learner_model_param.num_feature);
  const numClass = Number(L.learner_model_param.num_class);
  const baseScore = Math.fround(Number(L.learner_model_param.base_score));
  if (!Number.isFinite(baseScore)) bad(`base_score "${L.learner_model_param.base_score}" is not a number`);
  const groups = objective === 'multiclass' ? numClass : 1;
  // logistic objectives store base_score as a probability; the margin starts at its logit
  const base = objective === 'binary' ? Math.log(baseScore / (1 - baseScore)) : baseScore;
  const trees: Tree[] = L.gradient_booster.model.trees.map((t, ti) => convertTree(t, ti, nFeatures, bad));
  const info = L.gradient_booster.model.tree_info;
  if (info.length !== trees.length) bad(`tree_info has ${info.length} entries for ${trees.length} trees`);
  for (const g of info) if (!(g >= 0 && g < groups)) bad(`tree group ${g} out of range for ${groups} output groups`);
  const names = L.feature_names && L.feature_names.length === nFeatures ? L.feature_names : Array.from({ length: nFeatures }, (_, i) => `f${i}`);
  return {
    model: {
      kind: 'gbdt',
      objective,
      groups,
      nFeatures,
      baseMargin: new Float64Array(groups).fill(base),
      trees,
      treeGroup: Int32Array.from(info),
      rounds: trees.length / groups,
      validLoss: [],
      float32: true,
    },
    featureNames: names,
    xgbObjective: L.objective.name,
  };
}

function convertTree(t: z.infer<typeof XgbTree>, ti: number, nFeatures: number, bad: (m: string) => never): Tree {
  const n = t.left_children.length;
  for (const k of ['right_children', 'split_indices', 'split_conditions', 'default_left'] as const) {
    if (t[k].length !== n) bad(`tree ${ti}: ${k} has ${t[k].length} entries, expected ${n}`);
  }
  if (t.split_type?.some((s) => s !== 0)) bad(`tree ${ti}: categorical splits are not supported`);
  const feature = new Int32Array(n);
  const threshold = new Float64Array(n);
  const value = new Float64Array(n);
  const gain = new Float64Array(n);
  const cover = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const leaf = t.left_children[i] === -1;
    if (leaf) {
      feature[i] = -1;
      value[i] = Math.fround(t.split_conditions[i]!); // XGBoost keeps leaf values here
    } else {
      const f = t.split_indices[i]!;
      const l = t.left_children[i]!;
      const r = t.right_children[i]!;
      if (!(f >= 0 && f < nFeatures)) bad(`tree ${ti} node ${i}: feature ${f} out of range`);
      if (!(l > i && l < n && r > i && r < n)) bad(`tree ${ti} node ${i}: bad children ${l}, ${r}`);
      feature[i] = f;
      threshold[i] = Math.fround(t.split_conditions[i]!);
      gain[i] = t.loss_changes?.[i] ?? 0;
    }
    cover[i] = t.sum_hessian?.[i] ?? 0;
  }
  return {
    feature,
    threshold,
    left: Int32Array.from(t.left_children),
    right: Int32Array.from(t.right_children),
    defaultLeft: Uint8Array.from(t.default_left),
    value,
    gain,
    cover,
  };
}
