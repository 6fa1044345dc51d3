import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/core/errors.ts';
import { bearer, makeHarness, type Harness } from './harness.ts';

describe('the ML scan mounted on the server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness({
      deps: {
        scan: {
          pipeline: async () => {
            throw new NotFoundError('no scan models in models/scan/dow30; run `tradepilot scan train --universe dow30`');
          },
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/ml/scan', '/api/ml/predict']));
  });

  it('needs an API key', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/ml/scan', payload: { results: [{ symbol: 'AA' }] } });
    expect(res.statusCode).toBe(401);
  });

  it('says how to train when the models are missing, in the server error body', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/ml/scan', headers: bearer(h.keys.user), payload: { results: [{ symbol: 'AA' }] } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('tradepilot scan train');
  });

  it('400 names the field of a bad body', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/ml/scan', headers: bearer(h.keys.user), payload: { results: 'AA' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('results');
  });
});
