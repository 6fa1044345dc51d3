/** Shapes of the API answers the pages read (the fields they use; the server sends more). */

/** GET /packs item. */
export interface PackSummary {
  id: string;
  namespace: string;
  version: string;
  name: string;
  description: string;
  official: boolean;
  timeframe: string;
  instruments: string[];
  defaultInstrument: string;
  personality?: Record<string, string>;
  tags: string[];
  indicators: string[];
  strategies: string[];
}

/** GET /packs/{id}. */
export interface PackFull extends PackSummary {
  pack: {
    indicators?: { id: string; name: string; params?: Record<string, unknown> }[];
    strategies?: { name: string; description?: string; default?: boolean; params?: Record<string, unknown> }[];
    gates?: Record<string, number>;
    instruments?: { supported: string[]; default: string; settings?: Record<string, Record<string, unknown>> };
    policies?: { risk?: Record<string, unknown> };
    data?: Record<string, unknown>;
  };
  source: string;
}

/** GET /models item. */
export interface Model {
  id: string;
  name: string;
  status: string;
  spec: { pack?: { namespace: string; version: string }; strategy?: string; instrument?: string; timeframe?: string; params?: Record<string, unknown>; indicators?: { id: string }[]; settings?: Record<string, unknown> };
  createdAt: string;
  updatedAt: string;
}

/** GET /sweeps/{id}. */
export interface Sweep {
  id: string;
  modelId: string;
  model: string;
  mode: string;
  status: string;
  total: number;
  walkForward: unknown;
  tags: string[];
  progress: { done: number; total: number; fraction: number; etaSeconds: number | null; elapsedMs: number | null };
  createdAt: string;
  updatedAt: string;
  estimatedSeconds?: number;
}

/** One leaderboard row. */
export interface LeaderboardRow {
  rank: number;
  idx: number;
  params: Record<string, unknown>;
  sharpe: number | null;
  total_return: number | null;
  trades: number;
  max_drawdown: number | null;
  win_rate: number | null;
  status: string;
  reasons: string[];
}

/** GET /sweeps/{id}/results. */
export interface SweepResults {
  id: string;
  status: string;
  model: string;
  leaderboard: { rows: LeaderboardRow[]; totalRows: number; trials: number; winner_dsr: number | null; pbo: number | null; pbo_splits: number; counts: Record<string, number> };
  walkForward: Record<string, unknown> | null;
  elapsedMs: number | null;
}

/** A stored backtest (GET /backtests/{id} adds `series`). */
export interface Backtest {
  id: string;
  kind: string;
  symbol: string;
  strategy: string;
  modelId: string | null;
  summary: { symbol: string; start: string; end: string; bars: number; initCash: number; metrics: Record<string, number | null>; buyHold: Record<string, number | null> };
  createdAt: string;
  series?: {
    time: number[];
    /** Absent in a pack preview (equity only). */
    close?: number[];
    equity: number[];
    buyHoldEquity?: number[];
    markers?: { time: number; kind: 'entry' | 'exit'; side: number; price: number | null; reason: string | null }[];
  };
}
