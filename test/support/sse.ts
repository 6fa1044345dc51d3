import { request, type IncomingMessage } from 'node:http';

/** One server-sent event that carried data (`id` and `event` are '' when the frame had none). */
export interface SseFrame {
  id: string;
  event: string;
  data: unknown;
}

/**
 * Open an SSE stream over a real socket and collect the frames that carry data until
 * `until` says stop or the server ends the stream. A non-200 answer resolves at once, with no frames.
 */
export function readSse(url: string, headers: Record<string, string>, until: (frames: SseFrame[]) => boolean): Promise<{ res: IncomingMessage; frames: SseFrame[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const frames: SseFrame[] = [];
      let buf = '';
      if (res.statusCode !== 200) {
        resolve({ res, frames });
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const m = /^(\w+): ?(.*)$/.exec(line);
            if (m) f[m[1]!] = m[2]!;
          }
          if (f.data !== undefined) frames.push({ id: f.id ?? '', event: f.event ?? '', data: JSON.parse(f.data) });
        }
        if (until(frames)) {
          req.destroy();
          resolve({ res, frames });
        }
      });
      res.on('end', () => resolve({ res, frames }));
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}
