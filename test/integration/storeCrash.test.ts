import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { dropPostgresSchema, openPostgresStore } from '../../src/adapters/store/postgresStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { POSTGRES_URL, requireService } from '../support/services.ts';

const writer = join(import.meta.dirname, '../support/crashWriter.ts');

/** Start the writer, let it commit some batches, then SIGKILL it mid-stream. */
async function killMidWrite(args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // Kill once at least 40 batches are in: it is then certainly inside a transaction or between two.
      if (/\b40\b/.test(out)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code}`))));
  });
  await new Promise((r) => child.once('exit', r).once('close', r));
}

/** Every batch is whole, and the counter written in the same transaction agrees. */
async function expectConsistent(store: Store): Promise<void> {
  const events = await store.events({ type: 'crash.test' });
  const perBatch = new Map<string, number>();
  for (const e of events) perBatch.set(e.subject!, (perBatch.get(e.subject!) ?? 0) + 1);
  expect(perBatch.size).toBeGreaterThanOrEqual(40);
  for (const [, count] of perBatch) expect(count).toBe(50);
  expect(await store.getValue('batches')).toBe(perBatch.size);
}

describe('store survives SIGKILL in the middle of writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SQLite: integrity check passes and no batch is half-written', async () => {
    const file = join(dir, 'crash.db');
    await killMidWrite(['sqlite', file]);
    const raw = new SqliteDatabase(file);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const store = await openSqliteStore(file);
    try {
      await expectConsistent(store);
      // Still writable after recovery.
      await store.append({ type: 'after.crash', payload: 1 });
      expect(await store.events({ type: 'after.crash' })).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('PostgreSQL: no batch is half-written', async (t) => {
    if (!(await requireService('PostgreSQL', POSTGRES_URL))) return t.skip();
    const schema = `tp_crash_${process.pid}`;
    try {
      await killMidWrite(['postgres', POSTGRES_URL, schema]);
      const store = await openPostgresStore(POSTGRES_URL, { schema });
      try {
        await expectConsistent(store);
      } finally {
        await store.close();
      }
    } finally {
      await dropPostgresSchema(POSTGRES_URL, schema);
    }
  });
});
