import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config.ts';
import { commandPaths } from '../../src/docs/cliReference.ts';
import { migratedTables } from '../../src/docs/databaseReference.ts';
import { generatedPages } from '../../src/docs/gen.ts';

const read = (rel: string): string => readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');

describe('generated docs (npm run docs:gen)', () => {
  it('cli.md, api.md and database.md are what the code generates now', async () => {
    const pages = await generatedPages();
    for (const [rel, text] of Object.entries(pages)) {
      expect(read(rel) === text, `${rel} is stale: run npm run docs:gen`).toBe(true);
    }
  });

  it('cli.md has a section for every command and subcommand', () => {
    const cli = read('docs/cli.md');
    for (const p of commandPaths()) expect(cli, p).toMatch(new RegExp(`^## ${p}$`, 'm'));
  });

  it('api.md lists every operation of the served OpenAPI document', async () => {
    const { servedOpenApi } = await import('../../src/docs/apiReference.ts');
    const doc = await servedOpenApi();
    const api = read('docs/api.md');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(5);
    for (const [path, item] of Object.entries(doc.paths)) for (const m of Object.keys(item)) expect(api, `${m} ${path}`).toContain(`## ${m.toUpperCase()} ${path}\n`);
  });

  it('database.md describes every migrated table, with prose, and every column', async () => {
    const db = read('docs/database.md');
    for (const t of await migratedTables()) {
      expect(t.description, `${t.name} has no doc comment in schema.ts`).not.toBe('');
      expect(db).toContain(`## ${t.name}\n`);
      for (const c of t.columns) expect(db).toContain(`| \`${c.name}\` |`);
    }
  });

  it('configuration.md lists every config variable', () => {
    const page = read('docs/configuration.md');
    for (const k of Object.keys(ConfigSchema.shape)) expect(page, k).toContain(`| \`${k}\` |`);
  });
});
