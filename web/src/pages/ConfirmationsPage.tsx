/**
 * Pending confirmations with YES/NO buttons. The server applies the SMS rules
 * (answer once, not after expiry, YES goes through the order gate); this page
 * shows the outcome and the order it made, and refreshes on confirmation and order events.
 */
import { useEffect, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { num, pct, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { subscribe } from '../sse.ts';
import { Badge, LoadState, Missing, Notice, Panel } from '../components/ui.tsx';

/** A confirmation as GET /confirmations returns it. */
export interface Confirmation {
  id: string;
  symbol: string;
  action: string;
  confidence: number;
  quantity: number;
  status: string;
  drill: boolean;
  createdAt: string;
  expiresAt: string;
  resolvedAt: string | null;
  alertId: string | null;
}

const STATUSES = ['pending', 'executed', 'confirmed', 'rejected', 'expired', 'failed'];

export function ConfirmationsPage() {
  const { caps } = useApp();
  const [status, setStatus] = useState('pending');
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const ok = caps.has('GET', '/confirmations') && caps.has('POST', '/confirmations/{id}/decision');
  const list = useLoad(ok ? (signal) => api<Page<Confirmation>>('GET', `/confirmations${qs({ status: status || undefined, limit: 100 })}`, undefined, signal) : null, [status, ok]);
  const { reload } = list;
  useEffect(() => {
    if (!ok || !caps.has('GET', '/stream/events')) return;
    return subscribe({ types: ['confirmation.*'], onEvent: () => reload() });
  }, [ok, caps, reload]);
  if (!ok) return <Missing what="confirmations" routes={['GET /confirmations', 'POST /confirmations/{id}/decision']} />;

  const decide = async (c: Confirmation, decision: 'YES' | 'NO'): Promise<void> => {
    setBusy(c.id);
    try {
      const r = await api<{ kind: string; message: string; confirmation: Confirmation }>('POST', `/confirmations/${encodeURIComponent(c.id)}/decision`, { decision });
      setResult({ kind: r.kind === 'execution_failed' ? 'error' : 'ok', text: `${c.id} ${c.action} ${c.quantity} ${c.symbol}: ${r.kind} — ${r.message}` });
    } catch (err) {
      setResult({ kind: 'error', text: `${c.id}: ${errorText(err)}` });
    }
    setBusy(null);
    reload();
  };

  const rows = list.data?.items ?? [];
  return (
    <Panel
      title="Confirmations"
      actions={
        <label>
          status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="status filter">
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <p className="muted">YES sends the order through the order gate (paper unless live trading is enabled); NO skips it. Each confirmation takes one answer, before it expires — the same rules as the SMS reply.</p>
      {result ? <Notice kind={result.kind === 'ok' ? 'ok' : 'error'}>{result.text}</Notice> : null}
      <LoadState loading={list.loading && !list.data} error={list.error} empty={list.data && rows.length === 0 ? `no ${status || ''} confirmations` : false} />
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="confirmations">
            <thead>
              <tr>
                <th>id</th>
                <th>symbol</th>
                <th>action</th>
                <th>alert</th>
                <th className="num">qty</th>
                <th className="num">confidence</th>
                <th>status</th>
                <th>created</th>
                <th>expires</th>
                <th>answer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-key={c.id}>
                  <td className="mono">
                    {c.id}
                    {c.drill ? <span className="tag">drill</span> : null}
                  </td>
                  <td>{c.symbol}</td>
                  <td>{c.action}</td>
                  <td className="mono">{c.alertId ?? '–'}</td>
                  <td className="num">{num(c.quantity, 0)}</td>
                  <td className="num">{pct(c.confidence)}</td>
                  <td data-testid="status">
                    <Badge value={c.status} />
                  </td>
                  <td>{time(c.createdAt)}</td>
                  <td>{time(c.expiresAt)}</td>
                  <td className="actions">
                    {c.status === 'pending' ? (
                      <>
                        <button type="button" className="yes" disabled={busy !== null} onClick={() => void decide(c, 'YES')}>
                          YES
                        </button>
                        <button type="button" className="no" disabled={busy !== null} onClick={() => void decide(c, 'NO')}>
                          NO
                        </button>
                      </>
                    ) : (
                      <span className="muted">{c.resolvedAt ? time(c.resolvedAt) : '–'}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
