import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, TradepilotError } from '../../src/core/errors.ts';
import { toErrorResponse } from '../../src/server/httpErrors.ts';

const page = readFileSync(new URL('../../docs/troubleshooting.md', import.meta.url), 'utf8');

describe('docs/troubleshooting.md', () => {
  for (const code of Object.values(ErrorCode)) {
    it(`documents ${code}: what it means, what to do, its exit code and HTTP status`, () => {
      const section = page.split(/^## /m).find((s) => s.startsWith(`${code}\n`));
      expect(section, `no "## ${code}" section`).toBeDefined();
      expect(section).toMatch(/\*\*Means:\*\* \S/);
      expect(section).toMatch(/\*\*Do:\*\* \S/);
      const row = page.split('\n').find((l) => l.startsWith(`| [\`${code}\`]`));
      expect(row, `no table row for ${code}`).toBeDefined();
      const [, exit, http] = row!.split('|').slice(1).map((c) => c.trim());
      const err = new TradepilotError(code, 'x');
      expect(Number(exit)).toBe(err.exitCode);
      expect(Number(http)).toBe(toErrorResponse(err).status);
    });
  }
});
