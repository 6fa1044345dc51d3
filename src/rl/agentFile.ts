/**
 * Reading a saved agent: validates the document's format, version and kind, and rebuilds the
 * PPO, MoE or MAML (meta-initialised LSTM policy) agent it describes.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BadInputError, ErrorCode, TradepilotError } from '../core/errors.ts';
import type { AgentFile, BaseAgent } from './agents/baseAgent.ts';
import { PpoAgent } from './agents/ppoAgent.ts';
import { MoeAgent } from './moe/moeAgent.ts';

const AgentFileSchema = z.object({
  format: z.literal('tradepilot.rl.agent'),
  version: z.literal(1),
  kind: z.enum(['ppo', 'moe', 'maml']),
  config: z.record(z.string(), z.unknown()),
  params: z.record(z.string(), z.unknown()),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** Parses and checks a saved agent document. */
export function parseAgentFile(doc: unknown, source: string): AgentFile {
  const r = AgentFileSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { source });
  }
  return r.data as AgentFile;
}

/** Reads a saved agent from a JSON file. */
export function readAgentFile(path: string): AgentFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`cannot read model ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${path}: not JSON (${(e as Error).message})`, { source: path });
  }
  return parseAgentFile(doc, path);
}

/** The agent a document describes (MAML files hold a PPO-shaped meta-initialised policy). */
export function agentFromFile(file: AgentFile, source: string): BaseAgent {
  if (file.kind === 'moe') return MoeAgent.fromFile(file, source);
  return PpoAgent.fromFile(file, source);
}
