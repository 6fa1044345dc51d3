/** Buy and hold: one entry on the first bar, never an exit. */
export function buyAndHoldSignals(n: number): { entries: Uint8Array; exits: Uint8Array } {
  const entries = new Uint8Array(n);
  if (n > 0) entries[0] = 1;
  return { entries, exits: new Uint8Array(n) };
}
