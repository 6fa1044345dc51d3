/** The agent's five actions (as const object + union, indices are the policy's outputs). */
export const Action = { BUY_LONG: 0, SELL_SHORT: 1, CLOSE_LONG: 2, CLOSE_SHORT: 3, HOLD: 4 } as const;
/** An action index 0..4. */
export type Action = (typeof Action)[keyof typeof Action];
/** Number of actions (policy output width). */
export const NUM_ACTIONS = 5;
/** Action names by index, for reports and events. */
export const ACTION_NAMES = ['BUY_LONG', 'SELL_SHORT', 'CLOSE_LONG', 'CLOSE_SHORT', 'HOLD'] as const;

/** Outcome of `executeTrade`: 0 filled or held, otherwise why it was refused (the env penalises those). */
export const TradeStatus = { OK: 0, NOTHING_TO_CLOSE: 1, NO_CAPITAL: 2, ALREADY_OPEN: 3 } as const;
/** A trade status code. */
export type TradeStatus = (typeof TradeStatus)[keyof typeof TradeStatus];
/** Status names by code. */
export const TRADE_STATUS_NAMES = ['ok', 'nothing-to-close', 'no-capital', 'already-open'] as const;
