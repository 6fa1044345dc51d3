/** Server-sent event framing (the text/event-stream format). Pure: unit-tested from test/web. */

/** A raw SSE frame. */
export interface Frame {
  id?: string;
  event?: string;
  data: string;
}

/** Parse complete frames out of `buffer`; returns the events and the unparsed rest. */
export function parseFrames(buffer: string): { frames: Frame[]; rest: string } {
  const frames: Frame[] = [];
  const parts = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = parts.pop() ?? '';
  for (const part of parts) {
    const f: Frame = { data: '' };
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
    // An id-only frame still moves the resume point on.
    if (data.length > 0 || f.id !== undefined) {
      f.data = data.join('\n');
      frames.push(f);
    }
  }
  return { frames, rest };
}
