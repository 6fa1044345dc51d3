/** What every page gets: the server's routes and the key's role. */
import { createContext, useContext } from 'react';
import type { Capabilities } from './api.ts';

/** App-wide state shared by the pages. */
export interface AppState {
  caps: Capabilities;
  /** Role of the key, when the server tells (admin-only controls hide otherwise). */
  role: string | null;
}

export const AppContext = createContext<AppState | null>(null);

/** The app state (inside the key gate only). */
export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside AppContext');
  return s;
}
