/**
 * Every evaluated decision as an append-only event (`rl.decision`): the observation, the
 * action probabilities, the gate weights (MoE), the value estimate, the action and its fill
 * status, so any trade can be explained after the fact. One run shares a correlation id.
 */
import type { NewEvent, Store } from '../adapters/store/store.ts';
import { uuidv7 } from '../core/ids.ts';
import type { DecisionRecord } from './evaluate.ts';

/** The event type of a stored decision. */
export const DECISION_EVENT = 'rl.decision';

/** Decisions as events of one run (subject = instrument). */
export function decisionEvents(decisions: readonly DecisionRecord[], run: { agent: string; instrument: string; model?: string; runId?: string }): { runId: string; events: NewEvent[] } {
  const runId = run.runId ?? uuidv7();
  const events = decisions.map((d) => ({
    type: DECISION_EVENT,
    subject: run.instrument,
    correlationId: runId,
    payload: { agent: run.agent, model: run.model ?? null, ...d },
  }));
  return { runId, events };
}

/** Appends a run's decisions in one transaction; returns the run id. */
export async function storeDecisions(store: Store, decisions: readonly DecisionRecord[], run: { agent: string; instrument: string; model?: string }): Promise<string> {
  const { runId, events } = decisionEvents(decisions, run);
  if (events.length > 0) await store.append(events);
  return runId;
}
