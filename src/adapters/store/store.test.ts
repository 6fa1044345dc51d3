import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_URL, requireService } from '../../../test/support/services.ts';
import { openSqliteStore } from './sqliteStore.ts';
import { dropPostgresSchema, openPostgresStore } from './postgresStore.ts';
import type { Store } from './store.ts';

/** One suite, run against every dialect. */
function storeSuite(name: string, open: () => Promise<Store | null>, cleanup: () => Promise<void>): void {
  describe(`Store on ${name}`, () => {
    let store: Store | null = null;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
      await cleanup();
    });

    it('appends and reads back events in order, with payloads intact', async (t) => {
      if (!store) return t.skip();
      const recs = await store.append([
        { type: 'data.fetch', subject: 'SPY', payload: { rows: 10, x: Float64Array.from([1.5, NaN]) } },
        { type: 'prediction', subject: 'SPY', correlationId: 'p-1', payload: { p: 0.7 } },
      ]);
      expect(recs).toHaveLength(2);
      expect(recs[0]!.seq).toBeLessThan(recs[1]!.seq);
      const back = await store.events({ subject: 'SPY' });
      expect(back.map((e) => e.type)).toEqual(['data.fetch', 'prediction']);
      expect(back[0]!.payload).toEqual({ rows: 10, x: [1.5, null] });
      expect((await store.events({ correlationId: 'p-1' }))[0]!.payload).toEqual({ p: 0.7 });
      expect(await store.events({ type: ['prediction'], order: 'desc', limit: 1 })).toHaveLength(1);
    });

    it('rolls a failed transaction back completely', async (t) => {
      if (!store) return t.skip();
      const before = (await store.events()).length;
      await expect(
        store.transaction(async (trx) => {
          await store!.append({ type: 'order', payload: { n: 1 } }, trx);
          await store!.setValue('k', { v: 1 }, trx);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await store.events()).length).toBe(before);
      expect(await store.getValue('k')).toBeUndefined();
    });

    it('refuses a duplicate event id and keeps the first', async (t) => {
      if (!store) return t.skip();
      await store.append({ id: 'fixed-id', type: 'x', payload: 1 });
      await expect(store.append([{ type: 'y', payload: 2 }, { id: 'fixed-id', type: 'x', payload: 3 }])).rejects.toThrow();
      const rows = await store.events({ type: ['x', 'y'] });
      expect(rows.map((r) => r.payload)).toEqual([1]);
    });

    it('upserts key-value documents', async (t) => {
      if (!store) return t.skip();
      await store.setValue('last_run', { id: 'a' });
      await store.setValue('last_run', { id: 'b' });
      expect(await store.getValue('last_run')).toEqual({ id: 'b' });
    });

    it('appends many events in one call', async (t) => {
      if (!store) return t.skip();
      const recs = await store.append(Array.from({ length: 1200 }, (_, i) => ({ type: 'bulk', payload: i })));
      expect(recs).toHaveLength(1200);
      expect((await store.events({ type: 'bulk' })).map((e) => e.payload)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tp-store-'));
storeSuite('SQLite', () => openSqliteStore(join(dir, 'test.db')), async () => rmSync(dir, { recursive: true, force: true }));

const schema = `tp_test_${process.pid}_${Date.now().toString(36)}`;
storeSuite(
  'PostgreSQL',
  async () => ((await requireService('PostgreSQL', POSTGRES_URL)) ? openPostgresStore(POSTGRES_URL, { schema }) : null),
  async () => {
    if (await requireService('PostgreSQL', POSTGRES_URL)) await dropPostgresSchema(POSTGRES_URL, schema);
  },
);
