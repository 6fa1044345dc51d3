/** Shared helpers for benchmark scripts: timing and the markdown table every script prints. */

/** Best-of-`repeats` wall time in milliseconds of `fn` (after one warm-up call). */
export function timeBest(fn: () => unknown, repeats = 5): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export async function timeBestAsync(fn: () => Promise<unknown>, repeats = 3): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** One row: what was measured, ours, the peer's, the floor, and whether we met it. */
export interface BenchRow {
  case: string;
  ours: string;
  peer: string;
  floor: string;
  ok: boolean | null;
}

export function printTable(rows: readonly BenchRow[]): void {
  const header = ['case', 'tradepilot', 'peer (same run)', 'floor', 'meets floor'];
  const cells = rows.map((r) => [r.case, r.ours, r.peer, r.floor, r.ok === null ? '-' : r.ok ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${cells.map(line).join('\n')}\n`);
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function fmtRate(perSecond: number, unit: string): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k ${unit}/s`;
  return `${perSecond.toFixed(0)} ${unit}/s`;
}
