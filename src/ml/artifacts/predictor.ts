/**
 * Turn a stored model version into a tabular predictor: rows in the model's
 * feature order in, one score (probability for classifiers) per row out, or
 * per-class probabilities for multiclass boosters.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Matrix } from '../data.ts';
import { gbdtFromJson, gbdtPredict, type GbdtJson } from '../tree/gbdt.ts';
import { loadOnnx } from './onnx.ts';
import { readJson, type ModelRegistry, type ModelMetadata } from './registry.ts';

/** Predictions of a tabular model: `classes` columns, column-major (class k, row i at k*rows+i). */
export interface Predictions {
  values: Float64Array;
  classes: number;
}

/** A loaded tabular predictor. */
export interface TabularPredictor {
  readonly meta: ModelMetadata;
  predict(X: Matrix): Promise<Predictions>;
}

/** Load the "classifier" artifact of a version as a predictor (gbdt, imported XGBoost or ONNX). */
export async function loadPredictor(reg: ModelRegistry, meta: ModelMetadata): Promise<TabularPredictor> {
  const path = reg.artifactPath(meta, 'classifier');
  if (path.endsWith('.onnx')) {
    const m = await loadOnnx(readFileSync(path), path);
    const inp = m.inputs[0]!;
    const out = m.outputs[0]!;
    const inner = inp.shape.slice(1);
    if (!inner.every((d) => typeof d === 'number')) throw new TradepilotError(ErrorCode.MODEL_INVALID, `${path}: input "${inp.name}" has symbolic inner dimensions [${inp.shape.join(', ')}]`);
    const width = (inner as number[]).reduce((a, b) => a * b, 1);
    return {
      meta,
      async predict(X) {
        if (X.cols !== width) throw new TradepilotError(ErrorCode.BAD_INPUT, `${path}: input "${inp.name}" needs ${width} values per row ([${inp.shape.join(', ')}]), got ${X.cols}`);
        // rows are the flattened non-batch dimensions, row-major as ONNX expects
        const data = new Float32Array(X.rows * width);
        for (let i = 0; i < X.rows; i++) for (let j = 0; j < width; j++) data[i * width + j] = X.data[j * X.rows + i]!;
        const res = (await m.run({ [inp.name]: { data, dims: [X.rows, ...(inner as number[])] } }))[out.name]!;
        const classes = res.data.length / X.rows;
        const values = new Float64Array(res.data.length);
        for (let i = 0; i < X.rows; i++) for (let k = 0; k < classes; k++) values[k * X.rows + i] = res.data[i * classes + k]!;
        return { values, classes };
      },
    };
  }
  const json = readJson(path) as Partial<GbdtJson>;
  if (json.kind !== 'gbdt') throw new TradepilotError(ErrorCode.MODEL_INVALID, `${path}: unknown model kind "${String(json.kind)}"`);
  const model = gbdtFromJson(json as GbdtJson);
  return {
    meta,
    predict: async (X) => ({ values: gbdtPredict(model, X), classes: model.groups }),
  };
}
