import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.ts';
import { loadFeatureSetFile, parseFeatureSetFile, resolveFeatureSet } from '../../src/features/featureSetFile.ts';

const example = new URL('../../examples/custom-feature-set/features.yaml', import.meta.url).pathname;

function issues(text: string): string {
  try {
    parseFeatureSetFile(text, 'set.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as DataError).message;
  }
  throw new Error('expected a DataError');
}

describe('feature-set files', () => {
  it('loads the example in column order', () => {
    const set = loadFeatureSetFile(example);
    expect(set.name).toBe('swing-compact');
    expect(set.features.map((f) => f.name)).toEqual(['ret_1', 'ret_5', 'ret_21', 'vol_21', 'rsi_5', 'wpr_14', 'bb_pctb', 'dist_sma_50', 'dist_sma_200', 'atr_14', 'volume_z_20', 'skew_63']);
  });

  it('names the line and field of each problem', () => {
    const text = ['name: s', 'features:', '  - { name: a, indicator: rsi, params: { n: 14 } }', '  - { name: b, indicator: nope }', '  - { name: a, indicator: sma, params: { n: 0 } }', '  - { name: c, indicator: bbands, output: middle_band }'].join('\n');
    const msg = issues(text);
    expect(msg).toContain('set.yaml line 4: features[1].indicator: unknown indicator "nope"');
    expect(msg).toContain('set.yaml line 5: features[2].name: duplicate feature name "a"');
    expect(msg).toMatch(/set\.yaml line 5: features\[2\]\.params: sma: parameter n=0/);
    expect(msg).toMatch(/set\.yaml line 6: features\[3\]\.output: bbands has outputs .*not "middle_band"/);
  });

  it('rejects unknown keys and bad types with their place', () => {
    expect(issues('name: s\nfeatures:\n  - { name: a, indicator: rsi, colour: red }\n')).toMatch(/line 3: features\[0\]: .*colour/);
    expect(issues('name: s\nfeatures: []\n')).toMatch(/line 2: features: /);
    expect(issues('name: [unclosed\n')).toMatch(/^set\.yaml line 2: .*end with a \]/);
  });

  it('--set takes a built-in name or a file', () => {
    expect(resolveFeatureSet('default', '1d', []).set.name).toBe('default');
    expect(resolveFeatureSet(example, '1d', []).set.name).toBe('swing-compact');
    expect(() => resolveFeatureSet('nosuch', '1d', [])).toThrow(/unknown feature set "nosuch"/);
  });
});
