/**
 * Server-sent events over fetch (EventSource cannot send the Authorization
 * header): parse `id`/`event`/`data` frames, and reconnect after a drop with
 * the last id seen so nothing is missed.
 */
import { authHeaders } from './api.ts';

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

/** Parse complete frames out of `buffer`; returns the events and the unparsed rest. */
export function parseFrames(buffer: string): { frames: { id?: string; event?: string; data: string }[]; rest: string } {
  const frames: { id?: string; event?: string; data: string }[] = [];
  const parts = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = parts.pop() ?? '';
  for (const part of parts) {
    const f: { id?: string; event?: string; data: string } = { data: '' };
    const data: string[] = [];
    for (const line of part.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'id') f.id = value;
      else if (field === 'event') f.event = value;
    }
    if (data.length > 0) {
      f.data = data.join('\n');
      frames.push(f);
    }
  }
  return { frames, rest };
}

/** Follow /stream/events until the returned function is called. */
export function subscribe(opts: SubscribeOptions): () => void {
  const ctl = new AbortController();
  let last = opts.after;
  let stopped = false;
  const run = async (): Promise<void> => {
    let delay = 1000;
    while (!stopped) {
      try {
        const q = new URLSearchParams();
        if (opts.types?.length) q.set('types', opts.types.join(','));
        if (last !== undefined) q.set('after', String(last));
        const res = await fetch(`/stream/events${q.size ? `?${q}` : ''}`, { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: ctl.signal });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        opts.onState?.(true);
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
            try {
              const e = JSON.parse(f.data) as StreamEvent;
              last = e.seq;
              opts.onEvent(e);
            } catch {
              // A frame that is not an event (never sent by this server): skip it.
            }
          }
        }
      } catch (err) {
        if (stopped || (err as Error).name === 'AbortError') return;
      }
      opts.onState?.(false);
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
