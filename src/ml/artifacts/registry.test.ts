import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureSetHash, locateArtifact, ModelRegistry } from './registry.ts';

const base = {
  name: 'classifier',
  kind: 'gbdt',
  dataHash: 'abc',
  features: ['rsi_14', 'macd', 'atr_14'],
  thresholds: { decision: 0.6 },
  metrics: { auc: 0.71 },
  params: {},
};

describe('model registry', () => {
  it('saves numbered versions with metadata written last, and lists/loads them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-reg-'));
    const reg = new ModelRegistry(dir);
    const v1 = reg.save(base, { classifier: { json: { kind: 'gbdt', w: 1 } }, scaler: { json: { mean: [0, 1, 2] } } });
    const v2 = reg.save({ ...base, metrics: { auc: 0.73 } }, { classifier: { json: { kind: 'gbdt', w: 2 } }, lstm: { bytes: new Uint8Array([1, 2]), ext: 'onnx' } });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(readdirSync(dir).sort()).toEqual(['classifier_v1.json', 'classifier_v2.json', 'lstm_v2.onnx', 'metadata_v1.json', 'metadata_v2.json', 'scaler_v1.json']);
    expect(v1.featureSetHash).toBe(featureSetHash(base.features));
    expect(reg.list().map((m) => m.metrics.auc)).toEqual([0.71, 0.73]);
    const loaded = reg.load(['rsi_14', 'macd', 'atr_14'], 1);
    expect(loaded.json.scaler).toEqual({ mean: [0, 1, 2] });
    expect(reg.metadata().version).toBe(2);
    expect(locateArtifact(join(dir, 'classifier_v2.json'))?.version).toBe(2);
  });

  it('refuses a live feature set in a different order or of a different size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-reg-'));
    const reg = new ModelRegistry(dir);
    reg.save(base, { classifier: { json: {} } });
    expect(() => reg.load(['rsi_14', 'atr_14', 'macd'])).toThrow(/feature order mismatch for classifier v1: position 1: model expects "macd", live set has "atr_14"/);
    expect(() => reg.load(['rsi_14', 'macd'])).toThrow(/the model has 3 features, the live set 2/);
  });

  it('names the file and field of bad metadata, and a missing version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-reg-'));
    writeFileSync(join(dir, 'metadata_v1.json'), JSON.stringify({ name: 'x', version: 1 }));
    const reg = new ModelRegistry(dir);
    expect(() => reg.metadata(1)).toThrow(/metadata_v1.json: kind/);
    expect(() => reg.metadata(7)).toThrow(/no version 7/);
    expect(() => new ModelRegistry(join(dir, 'nope')).metadata()).toThrow(/no models in/);
  });
});
