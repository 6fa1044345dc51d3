/**
 * ONNX models through onnxruntime-node (CPU). The only file that imports the
 * SDK; it is loaded lazily so the rest of the CLI starts without the native binding.
 */
import { readFileSync } from 'node:fs';
import { TradepilotError, ErrorCode } from '../../core/errors.ts';

type Ort = typeof import('onnxruntime-node');
let ortPromise: Promise<Ort> | null = null;

async function ort(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').catch((err: unknown) => {
    ortPromise = null;
    throw new TradepilotError(ErrorCode.INTERNAL, `onnxruntime-node failed to load: ${(err as Error).message}`, undefined, { cause: err });
  });
  return ortPromise;
}

/** One named input or output of a model, as the model declares it. */
export interface OnnxIoInfo {
  name: string;
  type: string;
  /** Dimensions; symbolic axes (e.g. "batch") as strings. */
  shape: (number | string)[];
}

/** A float tensor: data and dimensions. */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** A loaded ONNX model. */
export interface OnnxModel {
  readonly inputs: OnnxIoInfo[];
  readonly outputs: OnnxIoInfo[];
  /** Run on named float32 inputs; returns every output as a float tensor. */
  run(feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>>;
  release(): Promise<void>;
}

function ioInfo(meta: readonly unknown[], names: readonly string[]): OnnxIoInfo[] {
  return names.map((name, i) => {
    const m = meta[i] as { isTensor?: boolean; type?: string; shape?: (number | string)[] } | undefined;
    return { name, type: m?.type ?? 'unknown', shape: m?.shape ? [...m.shape] : [] };
  });
}

/** Load an ONNX model from a file path or bytes; `source` names it in errors. */
export async function loadOnnx(model: string | Uint8Array, source = typeof model === 'string' ? model : 'onnx model'): Promise<OnnxModel> {
  const o = await ort();
  let bytes: Uint8Array;
  try {
    bytes = typeof model === 'string' ? readFileSync(model) : model;
  } catch (err) {
    throw new TradepilotError(ErrorCode.NOT_FOUND, `${source}: cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, undefined, { cause: err });
  }
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await o.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${source}: not a loadable ONNX model: ${(err as Error).message}`, undefined, { cause: err });
  }
  const inputs = ioInfo(session.inputMetadata as readonly unknown[], session.inputNames);
  const outputs = ioInfo(session.outputMetadata as readonly unknown[], session.outputNames);
  return {
    inputs,
    outputs,
    async run(feeds) {
      const t: Record<string, InstanceType<Ort['Tensor']>> = {};
      for (const inp of inputs) {
        const f = feeds[inp.name];
        if (!f) throw new TradepilotError(ErrorCode.BAD_INPUT, `${source}: missing input "${inp.name}"`);
        const want = f.dims.reduce((a, b) => a * b, 1);
        if (want !== f.data.length) throw new TradepilotError(ErrorCode.BAD_INPUT, `${source}: input "${inp.name}" has ${f.data.length} values for dims [${f.dims.join(', ')}]`);
        t[inp.name] = new o.Tensor('float32', f.data, f.dims);
      }
      let res: Awaited<ReturnType<typeof session.run>>;
      try {
        res = await session.run(t);
      } catch (err) {
        throw new TradepilotError(ErrorCode.BAD_INPUT, `${source}: inference failed: ${(err as Error).message}`, undefined, { cause: err });
      }
      const out: Record<string, FloatTensor> = {};
      for (const name of session.outputNames) {
        const v = res[name]!;
        out[name] = { data: v.data instanceof Float32Array ? v.data : Float32Array.from(v.data as ArrayLike<number>), dims: [...v.dims] };
      }
      return out;
    },
    release: () => session.release(),
  };
}
