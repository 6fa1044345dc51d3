import { uuidv7 } from '../../core/ids.ts';
import type { Notifier, OutboundMessage, SentMessage } from '../../live/notifier.ts';

/** The embedded default: messages go to a stream (stderr) and are kept in memory for inspection. */
export class ConsoleNotifier implements Notifier {
  readonly channel = 'console';
  readonly sent: (OutboundMessage & SentMessage)[] = [];

  constructor(private readonly out: NodeJS.WritableStream | null = process.stderr) {}

  async send(msg: OutboundMessage): Promise<SentMessage> {
    const providerId = `console-${uuidv7()}`;
    this.sent.push({ ...msg, providerId });
    this.out?.write(`[message to ${msg.to}] ${msg.body}\n`);
    return { providerId };
  }
}
