import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';

/** A writable that keeps what it is given. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Run the real CLI in-process with captured stdout/stderr. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(['node', 'tradepilot', ...args], { stdout, stderr }, { LOG_LEVEL: 'silent', ...env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
