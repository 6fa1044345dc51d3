/**
 * `npm run bench -- <name> [...]`: runs bench/<name>.bench.ts, each of which
 * prints our figure beside the peer's from the same run. No name runs them all.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : available;
for (const name of names) {
  if (!available.includes(name)) {
    process.stderr.write(`unknown benchmark "${name}"; available: ${available.join(', ')}\n`);
    process.exit(2);
  }
}
for (const name of names) {
  process.stdout.write(`\n## ${name}\n\n`);
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { run: (args: string[]) => Promise<void> };
  await mod.run(process.argv.slice(2).filter((a) => a.startsWith('-')));
}
