/**
 * The dashboard shell: the API key gate (the key is entered once and kept in
 * localStorage), the server's capabilities, navigation, and the page for the path.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { api, Capabilities, errorText, loadCapabilities, storedKey, storeKey } from './api.ts';
import { AppContext } from './context.ts';
import { Link, match, navigate, useLocation } from './router.tsx';
import { Notice } from './components/ui.tsx';
import { PAGES } from './pages/index.ts';

function KeyForm({ onKey, error }: { onKey: (k: string) => void; error: string | null }) {
  const [key, setKey] = useState('');
  return (
    <form
      className="keyform panel"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) onKey(key.trim());
      }}
    >
      <h2>Sign in with an API key</h2>
      <p className="muted">
        Create one with <code>tradepilot apikey create</code>. It is kept in this browser only (localStorage) and sent as a Bearer token.
      </p>
      <label>
        API key
        <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} aria-label="API key" />
      </label>
      <button type="submit" disabled={!key.trim()}>
        Save key
      </button>
      {error ? <Notice kind="error">{error}</Notice> : null}
    </form>
  );
}

/** The whole app. */
export function App() {
  const loc = useLocation();
  const [key, setKey] = useState<string | null>(storedKey);
  const [caps, setCaps] = useState<Capabilities | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!key) return;
    let live = true;
    // Check the key on a cheap authenticated route before showing the pages.
    Promise.all([loadCapabilities(), api('GET', '/events?limit=1')])
      .then(([c]) => {
        if (live) {
          setCaps(c);
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (!live) return;
        setError(errorText(e));
        storeKey(null);
        setKey(null);
      });
    return () => {
      live = false;
    };
  }, [key]);

  let body: ReactNode;
  if (!key) {
    body = (
      <KeyForm
        error={error}
        onKey={(k) => {
          storeKey(k);
          setKey(k);
        }}
      />
    );
  } else if (!caps) {
    body = <p className="muted">connecting…</p>;
  } else {
    const page = PAGES.map((p) => ({ p, params: match(p.path, loc.path) })).find((x) => x.params !== null);
    body = page ? page.p.render(page.params!, loc.query) : <Notice kind="warn">no page {loc.path}</Notice>;
  }

  return (
    <AppContext.Provider value={caps ? { caps, role: null } : null}>
      <div className="shell">
        <nav className="nav" aria-label="pages">
          <Link to="/" className="brand">
            tradepilot
          </Link>
          {PAGES.filter((p) => p.nav).map((p) => (
            <Link key={p.path} to={p.path} className={match(p.path, loc.path) || (p.path !== '/' && loc.path.startsWith(`${p.path}/`)) ? 'active' : undefined}>
              {p.nav}
            </Link>
          ))}
          <span className="grow" />
          {key ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                storeKey(null);
                setKey(null);
                setCaps(null);
                navigate('/');
              }}
            >
              forget key
            </button>
          ) : null}
        </nav>
        <main>{body}</main>
        <footer className="muted">
          tradepilot dashboard · charts by{' '}
          <a href="https://www.tradingview.com/" rel="noreferrer noopener" target="_blank">
            TradingView Lightweight Charts
          </a>
        </footer>
      </div>
    </AppContext.Provider>
  );
}
