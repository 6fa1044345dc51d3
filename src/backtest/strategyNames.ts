/** The built-in strategies of the backtest runner (apart from the runner so the CLI can list them without loading it). */
export const STRATEGIES = ['buy-and-hold', 'sma-cross', 'rsi', 'donchian', 'signals'] as const;
export type StrategyName = (typeof STRATEGIES)[number];
