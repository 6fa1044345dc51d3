import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { bsPriceBatch } from './blackScholes.ts';
import { BsPool, sharedFloat64 } from './bsPool.ts';

describe('BsPool', () => {
  let pool: BsPool;
  beforeAll(async () => {
    pool = await BsPool.create(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('prices on every thread exactly as the single-threaded kernel does', async () => {
    const n = 10_001;
    const rng = new Rng(3);
    const [s, k, t, v, out] = [sharedFloat64(n), sharedFloat64(n), sharedFloat64(n), sharedFloat64(n), sharedFloat64(n)];
    for (let i = 0; i < n; i++) {
      s[i] = 50 + 100 * rng.next();
      k[i] = 100;
      t[i] = 0.01 + 2 * rng.next();
      v[i] = 0.05 + 0.8 * rng.next();
    }
    for (const type of ['call', 'put'] as const) {
      await pool.price(type, s, k, t, 0.03, v, 0.01, out);
      const ref = bsPriceBatch(type, s, k, t, 0.03, v, 0.01, new Float64Array(n));
      expect(Array.from(out)).toEqual(Array.from(ref));
    }
    expect(pool.threads).toBe(2);
  });

  it('refuses arrays that are not shared', async () => {
    const a = new Float64Array(4);
    await expect(pool.price('call', a, a, a, 0, a, 0, a)).rejects.toThrow(/SharedArrayBuffer/);
  });
});
