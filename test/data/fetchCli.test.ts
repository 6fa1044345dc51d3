import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-fetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('data fetch', () => {
  it('fetches through the cache and records the raw fetch in the audit trail', async () => {
    const db = join(dir, 'f.db');
    const args = ['data', 'fetch', '--provider', 'mock', '--symbol', 'SPY', '--timeframe', '1d', '--start', '2024-01-02', '--end', '2024-03-01', '--cache-dir', join(dir, 'cache'), '--db', db, '--json'];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    const doc = first.json() as { bars: number; cache: { hit: boolean; fetchedBars: number } };
    expect(doc.bars).toBeGreaterThan(30);
    expect(doc.cache.hit).toBe(false);
    const again = await runCli(args);
    expect((again.json() as { cache: { hit: boolean } }).cache.hit).toBe(true);
    const store = await openSqliteStore(db);
    try {
      const events = await store.events({ type: 'data.fetch', subject: 'SPY' });
      expect(events).toHaveLength(2);
      expect(events[0]!.payload).toMatchObject({ provider: 'mock', timeframe: '1d', bars: doc.bars, start: '2024-01-02' });
    } finally {
      await store.close();
    }
  });
});
