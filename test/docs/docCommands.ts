/**
 * The shell commands of the documentation: every `npx tradepilot ...` line of a
 * ```sh block, with what its trailing comment says (`# exit 2`: the exit code
 * it must give; `# needs: network`: not run here, with the reason).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DocCommand {
  /** Path relative to the repository root. */
  file: string;
  /** 1-based line of the command in the file. */
  line: number;
  /** The command as written, without its comment. */
  command: string;
  expectExit: number;
  /** Why it is not run here (`# needs: ...`), if it is not. */
  skip?: string;
}

const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console']);

/** Split `cmd   # comment` at the first # outside quotes that starts a word. */
function splitComment(line: string): [string, string] {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return [line.slice(0, i).trimEnd(), line.slice(i + 1).trim()];
  }
  return [line.trimEnd(), ''];
}

/** Every shell command of one markdown text; non-tradepilot lines (npm, git, docker, python) are left out. */
export function extractCommands(text: string, file: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = text.split('\n');
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const f = /^\s*```\s*([\w-]*)/.exec(raw);
    if (f) {
      fence = fence === null ? f[1]!.toLowerCase() || 'text' : null;
      continue;
    }
    if (fence === null || !SHELL_FENCES.has(fence)) continue;
    const start = i;
    let logical = raw;
    while (logical.endsWith('\\') && i + 1 < lines.length) logical = `${logical.slice(0, -1)} ${lines[++i]!.trim()}`;
    const [command, comment] = splitComment(logical.trim());
    if (!/^npx tradepilot(\s|$)/.test(command)) continue;
    const needs = /(?:^|\s)needs:\s*(.+)$/.exec(comment);
    const exit = /^exit (\d+)\s*(?=$|[:;(])/.exec(comment);
    out.push({ file, line: start + 1, command, expectExit: exit ? Number(exit[1]) : 0, ...(needs ? { skip: needs[1]!.trim() } : {}) });
  }
  return out;
}

/** The documents whose commands are tested: README.md, docs/*.md and examples/** /README.md. */
export function docFiles(root: string): string[] {
  const files = ['README.md'];
  for (const f of readdirSync(join(root, 'docs')).sort()) if (f.endsWith('.md')) files.push(`docs/${f}`);
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name === 'README.md') files.push(relative(root, join(dir, e.name)));
    }
  };
  if (existsSync(join(root, 'examples'))) walk(join(root, 'examples'));
  return files;
}

/** All commands of all tested documents, by file. */
export function allDocCommands(root: string): Map<string, DocCommand[]> {
  const m = new Map<string, DocCommand[]>();
  for (const f of docFiles(root)) m.set(f, extractCommands(readFileSync(join(root, f), 'utf8'), f));
  return m;
}
