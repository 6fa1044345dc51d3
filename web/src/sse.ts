/**
 * Server-sent events over fetch (EventSource cannot send the Authorization
 * header): parse `id`/`event`/`data` frames, and reconnect after a drop with
 * the last id seen so nothing is missed.
 */
import { authHeaders } from './api.ts';
import { parseFrames, type Frame } from './sseFrames.ts';

export type { Frame } from './sseFrames.ts';

/** One event of /stream/events. */
export interface StreamEvent {
  seq: number;
  id: string;
  ts: string;
  type: string;
  subject: string | null;
  correlationId: string | null;
  payload: unknown;
}

/** Options of {@link subscribe}. */
export interface SubscribeOptions {
  /** Event types; a trailing * matches a prefix (e.g. `sweep.*`). */
  types?: string[];
  /** Resume after this sequence number. */
  after?: number;
  onEvent: (e: StreamEvent) => void;
  /** Connection state changes (for a live/offline badge). */
  onState?: (connected: boolean) => void;
}

/**
 * Read an SSE endpoint (with the API key) until stopped; after a drop, reconnect
 * to the URL `url(lastId)` gives. `onFrame` returns true to end the stream for good
 * (e.g. a sweep finished). Returns the stop function.
 */
export function follow(url: (lastId: string | undefined) => string, onFrame: (f: Frame) => boolean | void, onState?: (connected: boolean) => void): () => void {
  const ctl = new AbortController();
  let last: string | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    let delay = 1000;
    while (!stopped) {
      try {
        const res = await fetch(url(last), { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: ctl.signal });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        onState?.(true);
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        while (!stopped) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          const { frames, rest } = parseFrames(buf);
          buf = rest;
          for (const f of frames) {
            if (f.id !== undefined) last = f.id;
            if (onFrame(f) === true) {
              stopped = true;
              ctl.abort();
              onState?.(false);
              return;
            }
          }
        }
      } catch (err) {
        if (stopped || (err as Error).name === 'AbortError') return;
      }
      onState?.(false);
      if (stopped) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    ctl.abort();
  };
}

/** Follow /stream/events (the audit trail, live) until the returned function is called. */
export function subscribe(opts: SubscribeOptions): () => void {
  return follow(
    (lastId) => {
      const q = new URLSearchParams();
      if (opts.types?.length) q.set('types', opts.types.join(','));
      const after = lastId ?? (opts.after !== undefined ? String(opts.after) : undefined);
      if (after !== undefined) q.set('after', after);
      return `/stream/events${q.size ? `?${q}` : ''}`;
    },
    (f) => {
      try {
        opts.onEvent(JSON.parse(f.data) as StreamEvent);
      } catch {
        // A frame that is not an event (never sent by this server): skip it.
      }
    },
    opts.onState,
  );
}
