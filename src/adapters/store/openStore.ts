import type { Config } from '../../config/config.ts';
import type { Store } from './store.ts';

/** Open the store the config names: PostgreSQL when DATABASE_URL is postgres://, else the SQLite file. */
export async function openStore(cfg: Pick<Config, 'DATABASE_URL' | 'TRADEPILOT_DB'>): Promise<Store> {
  const url = cfg.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { openPostgresStore } = await import('./postgresStore.ts');
    return openPostgresStore(url);
  }
  const { openSqliteStore } = await import('./sqliteStore.ts');
  return openSqliteStore(cfg.TRADEPILOT_DB);
}
