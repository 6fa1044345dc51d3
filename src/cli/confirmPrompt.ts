import { createInterface, type Interface } from 'node:readline';
import type { Answerer } from '../pipeline/runConfirm.ts';

/**
 * A YES/NO/later prompt per alert on the terminal (the prompt on stderr, so
 * stdout keeps the report). Lines typed ahead are kept for the next prompt;
 * end of input (Ctrl+D) leaves this and every later alert pending.
 */
export function confirmPrompt(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): { answer: Answerer; close: () => void } {
  let rl: Interface | undefined;
  let lines: AsyncIterator<string> | undefined;
  let ended = false;
  const answer: Answerer = async (a, id) => {
    if (ended) return undefined;
    rl ??= createInterface({ input, terminal: false });
    lines ??= rl[Symbol.asyncIterator]();
    const money = (v: number | null): string => (v === null ? '-' : v.toFixed(2));
    for (;;) {
      output.write(`\n${a.action} ${a.quantity} ${a.ticker} at ${money(a.entry_price)} (p ${a.confidence.toFixed(2)}, stop ${money(a.stop_loss)}, target ${money(a.take_profit)}) [ID ${id}]\nplace the paper order? yes / no / later: `);
      const next = await lines.next();
      if (next.done) {
        ended = true;
        output.write('\n');
        return undefined;
      }
      const reply = next.value.trim().toLowerCase();
      if (reply === 'y' || reply === 'yes') return 'YES';
      if (reply === 'n' || reply === 'no') return 'NO';
      if (reply === '' || reply === 'l' || reply === 'later') return undefined;
    }
  };
  return { answer, close: () => rl?.close() };
}

