/** Pick the JobQueue a command asked for: BullMQ for a redis:// URL, threads by default, inline for 0 workers. */
import { BadInputError } from '../../core/errors.ts';
import { InlineQueue } from './inlineQueue.ts';
import type { JobQueue } from './jobQueue.ts';
import { ThreadQueue } from './threadQueue.ts';

/** Options naming a queue. */
export interface QueueChoice {
  /** redis://... runs tasks on BullMQ workers. */
  queue?: string;
  /** Worker threads for the embedded pool (0 = this thread). */
  workers?: number;
}

/** Open the queue; the BullMQ adapter is imported only when used. */
export async function openQueue(c: QueueChoice): Promise<JobQueue> {
  if (c.queue) {
    if (!/^rediss?:\/\//.test(c.queue)) throw new BadInputError(`--queue must be a redis:// URL, got "${c.queue}"`);
    const { BullQueue } = await import('../../adapters/queue/bullmq.ts');
    return BullQueue.open(c.queue);
  }
  if (c.workers === 0) return new InlineQueue();
  return new ThreadQueue(c.workers);
}
