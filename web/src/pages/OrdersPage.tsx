/** Orders the gate saw, and the trading state (kill switch and live switch for admin keys). */
import { useEffect, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { num, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { subscribe } from '../sse.ts';
import type { Column } from '../components/DataTable.tsx';
import { PageTable } from '../components/PageTable.tsx';
import { Badge, LoadState, Missing, Notice, Panel } from '../components/ui.tsx';

interface Order {
  id: string;
  clientOrderId: string;
  confirmationId: string | null;
  symbol: string;
  side: string;
  qty: number;
  refPrice: number;
  notional: number;
  broker: string;
  mode: string;
  status: string;
  reasons: string[];
  createdAt: string;
}

interface Trading {
  state: string;
  reason: string;
  since: string;
  dryRun: boolean;
  env: string;
  live: { enabled: boolean; blockers: string[] };
}

const columns: Column<Order>[] = [
  { key: 'createdAt', label: 'time', value: (o) => o.createdAt, render: (o) => time(o.createdAt) },
  { key: 'symbol', label: 'symbol', value: (o) => o.symbol },
  { key: 'side', label: 'side', value: (o) => o.side },
  { key: 'qty', label: 'qty', value: (o) => o.qty, numeric: true, render: (o) => num(o.qty, 0) },
  { key: 'refPrice', label: 'price', value: (o) => o.refPrice, numeric: true, render: (o) => num(o.refPrice) },
  { key: 'notional', label: 'notional', value: (o) => o.notional, numeric: true, render: (o) => num(o.notional) },
  { key: 'mode', label: 'mode', value: (o) => o.mode, render: (o) => <Badge value={o.mode} /> },
  { key: 'status', label: 'status', value: (o) => o.status, render: (o) => <Badge value={o.status} /> },
  { key: 'confirmationId', label: 'confirmation', value: (o) => o.confirmationId ?? '' },
  { key: 'reasons', label: 'reasons', value: (o) => o.reasons.join('; '), sortable: false },
];

export function OrdersPage() {
  const { caps } = useApp();
  const [mode, setMode] = useState('');
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const hasOrders = caps.has('GET', '/orders');
  const orders = useLoad(hasOrders ? (s) => api<Page<Order>>('GET', `/orders${qs({ mode: mode || undefined, limit: 100 })}`, undefined, s) : null, [mode, hasOrders]);
  const trading = useLoad(caps.has('GET', '/admin/trading') ? (s) => api<Trading>('GET', '/admin/trading', undefined, s) : null, []);
  const reloadOrders = orders.reload;
  const reloadTrading = trading.reload;
  useEffect(() => {
    if (!hasOrders || !caps.has('GET', '/stream/events')) return;
    return subscribe({
      types: ['order.*', 'trading.*', 'admin.*'],
      onEvent: (e) => (e.type.startsWith('order.') ? reloadOrders() : reloadTrading()),
    });
  }, [hasOrders, caps, reloadOrders, reloadTrading]);
  if (!hasOrders) return <Missing what="orders" routes={['GET /orders']} />;

  const admin = async (path: string, body?: unknown): Promise<void> => {
    try {
      await api('POST', path, body);
      setMsg({ kind: 'ok', text: `${path}: done` });
    } catch (err) {
      setMsg({ kind: 'error', text: errorText(err) });
    }
    trading.reload();
  };
  const t = trading.data;
  return (
    <>
      <Panel title="Trading">
        <LoadState loading={trading.loading && !t} error={trading.error} />
        {t ? (
          <dl className="facts">
            <dt>state</dt>
            <dd>
              <Badge value={t.state} /> {t.reason} <span className="muted">since {time(t.since)}</span>
            </dd>
            <dt>orders go to</dt>
            <dd>{t.live.enabled ? <Badge value="live" /> : <Badge value="paper" />} {t.live.blockers.length > 0 ? <span className="muted">({t.live.blockers.join('; ')})</span> : null}</dd>
            <dt>DRY_RUN / ENV</dt>
            <dd>
              {String(t.dryRun)} / {t.env}
            </dd>
          </dl>
        ) : null}
        {t ? (
          <div className="row">
            {t.state === 'ACTIVE' ? (
              <button type="button" onClick={() => void admin('/admin/halt', { reason: 'halted from the dashboard' })}>
                Halt
              </button>
            ) : (
              <button type="button" onClick={() => void admin('/admin/resume', { state: 'ACTIVE', reason: 'resumed from the dashboard' })}>
                Resume
              </button>
            )}
            <button type="button" className="danger" onClick={() => window.confirm('Halt trading and cancel every open order?') && void admin('/admin/kill')}>
              Kill switch
            </button>
          </div>
        ) : null}
        {msg ? <Notice kind={msg.kind}>{msg.text}</Notice> : null}
      </Panel>
      <Panel
        title="Orders"
        actions={
          <select value={mode} onChange={(e) => setMode(e.target.value)} aria-label="mode filter">
            <option value="">all modes</option>
            <option value="paper">paper</option>
            <option value="live">live</option>
            <option value="none">refused</option>
          </select>
        }
      >
        <PageTable load={orders} label="orders" empty="no orders yet" columns={columns} rowKey={(o) => o.id} />
      </Panel>
    </>
  );
}
