/**
 * Group commit for events: the first append starts a transaction at once; appends that arrive
 * while it is in flight are written together in the next one. Every caller's promise settles
 * when the transaction holding its event commits, so "recorded before answered" still holds,
 * at one transaction per batch instead of one per event under load.
 */
import type { NewEvent, Store } from './store.ts';

interface Waiting {
  event: NewEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Batches `store.append` calls; events keep their arrival order. */
export class EventBatcher {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves once `event` is committed; rejects with the store's error if its batch failed. */
  append(event: NewEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.store.append(batch.map((w) => w.event));
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
