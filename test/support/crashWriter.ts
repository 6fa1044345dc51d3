/**
 * Child process for the crash test: writes batches of events forever, each batch
 * in one transaction together with a counter, until it is killed.
 * argv: sqlite FILE | postgres URL SCHEMA
 */
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { openPostgresStore } from '../../src/adapters/store/postgresStore.ts';

const [kind, target, schema] = process.argv.slice(2);
const store = kind === 'postgres' ? await openPostgresStore(target!, { schema: schema!, max: 2 }) : await openSqliteStore(target!);
const BATCH = 50;
let n = 0;
process.stdout.write('ready\n');
for (;;) {
  n++;
  await store.transaction(async (trx) => {
    const events = Array.from({ length: BATCH }, (_, i) => ({ type: 'crash.test', subject: `batch-${n}`, payload: { i, pad: 'x'.repeat(200) } }));
    await store.append(events, trx);
    await store.setValue('batches', n, trx);
  });
  if (n % 20 === 0) process.stdout.write(`${n}\n`);
}
