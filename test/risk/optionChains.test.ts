import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { polygonOptionChain } from '../../src/adapters/options/polygonOptions.ts';
import { tradierExpirations, tradierOptionChain } from '../../src/adapters/options/tradierOptions.ts';
import { mid, pickContract } from '../../src/options/chain.ts';
import { startFakeOptionsServer, type FakeOptionsServer } from './fakeOptionsServer.ts';

let srv: FakeOptionsServer;
beforeAll(async () => {
  srv = await startFakeOptionsServer({ polygonKey: 'pk-test', tradierToken: 'tt-test' });
});
afterAll(async () => {
  await srv.close();
});

describe('Polygon option chain adapter (fake server on 127.0.0.1)', () => {
  it('follows next_url pagination and maps every field', async () => {
    const chain = await polygonOptionChain('SPY', { apiKey: 'pk-test', baseUrl: srv.baseUrl }, { expirationDate: '2024-05-17' });
    expect(chain.quotes).toHaveLength(4);
    expect(chain.spot).toBe(498.76);
    const c = chain.quotes[0]!;
    expect(c).toMatchObject({ symbol: 'SPY240517C00505000', type: 'call', strike: 505, expiry: '2024-05-17', bid: 8.36, ask: 8.42, iv: 0.1543, delta: 0.5642, openInterest: 10442, volume: 1532 });
    expect(chain.quotes[3]!.iv).toBeUndefined();
    expect(srv.requests[0]!.path).toContain('expiration_date=2024-05-17');
    expect(srv.requests[0]!.auth).toBe('Bearer pk-test');
    expect(srv.requests[1]!.path).toContain('cursor=');
    expect(pickContract(chain, '2024-05-17', 'put', 'OTM_5').strike).toBe(475);
    expect(mid(pickContract(chain, '2024-05-17', 'call', 'ATM'))).toBeCloseTo(8.39, 12);
  });
  it('a bad key is an UNAUTHORIZED error that names the source', async () => {
    await expect(polygonOptionChain('SPY', { apiKey: 'wrong', baseUrl: srv.baseUrl })).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: /polygon: HTTP 401/ });
  });
});

describe('Tradier option chain adapter (fake server on 127.0.0.1)', () => {
  it('reads expirations and a chain with greeks', async () => {
    expect(await tradierExpirations('SPY', { token: 'tt-test', baseUrl: srv.baseUrl })).toEqual(['2024-04-19', '2024-04-22', '2024-04-26', '2024-05-17', '2024-06-21']);
    expect(await tradierExpirations('NONE', { token: 'tt-test', baseUrl: srv.baseUrl })).toEqual([]);
    const chain = await tradierOptionChain('SPY', '2024-05-17', { token: 'tt-test', baseUrl: srv.baseUrl });
    expect(chain.quotes).toHaveLength(2);
    expect(chain.quotes[0]).toMatchObject({ type: 'call', strike: 500, bid: 10.42, ask: 10.47, iv: 0.1556, delta: 0.4921, openInterest: 40211 });
    expect(chain.quotes[1]!.delta).toBeUndefined();
    expect(srv.requests.some((r) => r.path.includes('/v1/markets/options/chains?symbol=SPY&expiration=2024-05-17&greeks=true'))).toBe(true);
  });
  it('normalises a single-object chain and an empty one', async () => {
    const one = await tradierOptionChain('XYZ', '2024-05-17', { token: 'tt-test', baseUrl: srv.baseUrl });
    expect(one.quotes).toHaveLength(1);
    expect(one.quotes[0]!.last).toBeUndefined();
    expect((await tradierOptionChain('NONE', '2024-05-17', { token: 'tt-test', baseUrl: srv.baseUrl })).quotes).toEqual([]);
    await expect(tradierOptionChain('SPY', '2024-05-17', { token: 'bad', baseUrl: srv.baseUrl })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
