/** Small shared pieces: notices, a progress bar, a badge, a card. */
import type { ReactNode } from 'react';

/** An error, info or warning line. */
export function Notice({ kind = 'info', children }: { kind?: 'info' | 'error' | 'warn' | 'ok'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** Shown where the server does not offer a page's routes. */
export function Missing({ what, routes }: { what: string; routes: string[] }) {
  return (
    <Notice kind="warn">
      This server does not offer {what} ({routes.join(', ')} are not in its API document).
    </Notice>
  );
}

/** Loading and error states of a load, or nothing. */
export function LoadState({ loading, error, empty }: { loading: boolean; error: string | null; empty?: string | false }) {
  if (error) return <Notice kind="error">{error}</Notice>;
  if (loading) return <p className="muted">loading…</p>;
  if (empty) return <p className="muted">{empty}</p>;
  return null;
}

/** A progress bar with its label. */
export function Progress({ done, total, label }: { done: number; total: number; label?: string }) {
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
      <div className="progress-bar" style={{ width: `${(f * 100).toFixed(1)}%` }} />
      <span className="progress-label">{label ?? `${done} / ${total}`}</span>
    </div>
  );
}

/** A coloured status word (PASS, FAIL, running, executed, ...). */
export function Badge({ value }: { value: string | null | undefined }) {
  const v = value ?? '–';
  return <span className={`badge badge-${v.toLowerCase().replace(/[^a-z]+/g, '-')}`}>{v}</span>;
}

/** A titled panel. */
export function Panel({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="panel">
      <header className="panel-head">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
