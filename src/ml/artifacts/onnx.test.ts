import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOnnx } from './onnx.ts';

const fx = (f: string): string => new URL(`../../../test/fixtures/${f}`, import.meta.url).pathname;

describe('ONNX import (onnxruntime-node)', () => {
  it('reproduces lstm_classifier_io.json', async () => {
    const io = JSON.parse(readFileSync(fx('lstm_classifier_io.json'), 'utf8')) as {
      input_name: string;
      output_name: string;
      shape: number[];
      input: number[][][];
      expected: number[];
    };
    const m = await loadOnnx(fx('lstm_classifier.onnx'));
    expect(m.inputs[0]).toMatchObject({ name: 'seq', type: 'float32', shape: ['batch', 20, 6] });
    const out = await m.run({ [io.input_name]: { data: Float32Array.from(io.input.flat(2)), dims: io.shape } });
    const p = out[io.output_name]!;
    expect(p.dims).toEqual([4, 1]);
    io.expected.forEach((e, i) => expect(Math.abs(p.data[i]! - e)).toBeLessThan(1e-6));
    await m.release();
  });

  it('refuses bytes that are not a model, and a wrong input size', async () => {
    await expect(loadOnnx(new Uint8Array([1, 2, 3]), 'junk.onnx')).rejects.toThrow(/junk.onnx: not a loadable ONNX model/);
    const m = await loadOnnx(fx('lstm_classifier.onnx'));
    await expect(m.run({ seq: { data: new Float32Array(5), dims: [1, 20, 6] } })).rejects.toThrow(/has 5 values/);
  });
});
