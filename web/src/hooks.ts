/** Data loading for pages: one request with loading/error state, reloadable, cancelled on unmount. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from './api.ts';

/** State of a load. */
export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Run `load` now and whenever `deps` change; null `load` means "nothing to load" (e.g. route missing). */
export function useLoad<T>(load: ((signal: AbortSignal) => Promise<T>) | null, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(load !== null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const fn = loadRef.current;
    if (!fn) {
      setLoading(false);
      return;
    }
    const ctl = new AbortController();
    setLoading(true);
    fn(ctl.signal)
      .then((d) => {
        if (!ctl.signal.aborted) {
          setData(d);
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted && (e as Error).name !== 'AbortError') setError(errorText(e));
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
