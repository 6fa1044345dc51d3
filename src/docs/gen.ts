/**
 * `npm run docs:gen`: regenerate docs/cli.md (commander program), docs/api.md
 * (the server's /openapi.json), docs/database.md (migrations + schema.ts) and
 * docs/configuration.md (ConfigSchema).
 * `npm run docs:gen -- --check` writes nothing and exits 1 when a page is stale.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiReference, servedOpenApi } from './apiReference.ts';
import { cliReference } from './cliReference.ts';
import { configReference } from './configReference.ts';
import { databaseReference, migratedTables } from './databaseReference.ts';

/** The generated pages, by path relative to the repository root. */
export async function generatedPages(): Promise<Record<string, string>> {
  return {
    'docs/cli.md': cliReference(),
    'docs/api.md': apiReference(await servedOpenApi()),
    'docs/database.md': databaseReference(await migratedTables()),
    'docs/configuration.md': configReference(),
  };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function mainGen(check: boolean): Promise<number> {
  const pages = await generatedPages();
  const stale: string[] = [];
  for (const [rel, text] of Object.entries(pages)) {
    const path = `${ROOT}${rel}`;
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current === text) continue;
    stale.push(rel);
    if (!check) writeFileSync(path, text);
  }
  if (check) {
    process.stderr.write(stale.length === 0 ? 'generated docs are up to date\n' : `stale: ${stale.join(', ')}; run npm run docs:gen\n`);
    return stale.length === 0 ? 0 : 1;
  }
  process.stderr.write(stale.length === 0 ? 'generated docs unchanged\n' : `wrote ${stale.join(', ')}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await mainGen(process.argv.includes('--check'));
}
