/** A small history router for the pages under /app (no router dependency). */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** The dashboard's base path (Vite's `base` without the trailing slash). */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

/** The current path inside the dashboard, e.g. `/sweeps/0190...`, and its query. */
export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const p = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : window.location.pathname;
  return { path: p === '' ? '/' : p, query: new URLSearchParams(window.location.search) };
}

const NAV_EVENT = 'tradepilot:navigate';

/** Go to a dashboard path (`/leaderboard?sweep=...`). */
export function navigate(to: string, replace = false): void {
  const url = `${BASE}${to.startsWith('/') ? to : `/${to}`}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAV_EVENT));
}

/** The current location, updated on navigation and the back button. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const on = (): void => setLoc(current());
    window.addEventListener('popstate', on);
    window.addEventListener(NAV_EVENT, on);
    return () => {
      window.removeEventListener('popstate', on);
      window.removeEventListener(NAV_EVENT, on);
    };
  }, []);
  return loc;
}

/** Match `/sweeps/:id` against a path; the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.startsWith(':')) out[a[i]!.slice(1)] = decodeURIComponent(b[i]!);
    else if (a[i] !== b[i]) return null;
  }
  return out;
}

/** A link inside the dashboard (client-side navigation, real href for new tabs). */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={`${BASE}${to}`} onClick={onClick} {...rest} />;
}
