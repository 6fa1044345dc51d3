import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';

interface InitOptions extends CommonOptions {
  force?: boolean;
}

/** What a project must never commit: secrets and local state. */
const GITIGNORE_LINES = ['.env', 'tradepilot.db', 'tradepilot.db-*', 'models/', '.cache/'] as const;

/** Append the missing ignore lines; returns whether the file changed. */
function ensureGitignore(path: string): boolean {
  const had = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const present = new Set(had.split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l));
  if (missing.length === 0) return false;
  const sep = had.length === 0 || had.endsWith('\n') ? '' : '\n';
  writeFileSync(path, `${had}${sep}${had.length === 0 ? '# tradepilot: secrets and local state\n' : ''}${missing.join('\n')}\n`);
  return true;
}

/** `tradepilot init [DIR]`: a commented `.env` with every variable and its safe default, and a `.gitignore` that keeps it out of git. */
export const registerInit: CommandModule = (program, ctx) => {
  program
    .command('init')
    .description('write a commented .env (every variable, safe defaults, DRY_RUN=true) and a .gitignore into a project directory')
    .argument('[dir]', 'project directory (created when missing)', '.')
    .option('--force', 'overwrite an existing .env')
    .option('--json', 'print one JSON document')
    .action(
      action<InitOptions>(ctx, async (opts, args) => {
        const dir = resolve(args[0] ?? '.');
        if (existsSync(dir) && !statSync(dir).isDirectory()) throw new BadInputError(`${dir} is not a directory`);
        const envPath = join(dir, '.env');
        if (existsSync(envPath) && !opts.force) throw new BadInputError(`${envPath} exists; pass --force to overwrite it`, { file: envPath });
        mkdirSync(dir, { recursive: true });
        const { envTemplate } = await import('../../config/envTemplate.ts');
        const text = envTemplate();
        // Written 0600: the file will hold secrets once they are filled in.
        writeFileSync(envPath, text, { mode: 0o600 });
        const gitignorePath = join(dir, '.gitignore');
        const gitignoreChanged = ensureGitignore(gitignorePath);
        const variables = text.split('\n').filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l)).length;
        return {
          json: { dir, env_file: envPath, gitignore: gitignoreChanged ? gitignorePath : null, variables, dry_run: true },
          human: [`wrote ${envPath} (${variables} variables, DRY_RUN=true, secrets empty)`, ...(gitignoreChanged ? [`updated ${gitignorePath}`] : []), 'next: npx tradepilot config   # the effective settings, secrets as ***'].join('\n'),
        };
      }),
    );
};
