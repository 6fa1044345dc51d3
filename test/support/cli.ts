import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';

/** Run the CLI in-process with captured output; returns exit code, stdout and stderr. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; json: () => unknown }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(['node', 'tradepilot', ...args], { stdout: out, stderr: err }, { LOG_LEVEL: 'silent', ...env });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as unknown };
}
