import cliProgress from 'cli-progress';

/** A progress reporter; jobs call it, the CLI decides whether to draw a bar. */
export interface Progress {
  start(total: number, label: string): void;
  tick(n?: number, note?: string): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };

/** A terminal bar on stderr when it is a TTY and output is not JSON; silent otherwise. */
export function terminalProgress(asJson: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (asJson || !stream.isTTY || process.env.CI === 'true') return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(total, label) {
      bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {value}/{total} {note}`, stream, clearOnComplete: true, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { note: '' });
    },
    tick(n = 1, note = '') {
      bar?.increment(n, { note });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/**
 * Run a long job with a progress bar (see terminalProgress) and Ctrl-C wired to its abort
 * signal; the bar is stopped and the SIGINT handler removed however the job ends.
 */
export async function interruptible<T>(asJson: boolean, job: (signal: AbortSignal, bar: Progress) => Promise<T>): Promise<T> {
  const bar = terminalProgress(asJson);
  const abort = new AbortController();
  const onSig = (): void => abort.abort();
  process.once('SIGINT', onSig);
  try {
    return await job(abort.signal, bar);
  } finally {
    bar.stop();
    process.off('SIGINT', onSig);
  }
}
