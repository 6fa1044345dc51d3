/**
 * Alerts: the live stream (new alerts appear at the top), filters, the
 * history page by page, acknowledging, and each model's recorded performance.
 */
import { useEffect, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { num, pct, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { follow } from '../sse.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Badge, LoadState, Missing, Notice, Panel } from '../components/ui.tsx';

/** GET /alerts item. */
interface AlertItem {
  id: string;
  status: string;
  createdAt: string;
  acknowledgedAt: string | null;
  alert: {
    instrument: string;
    ticker?: string;
    underlying?: string;
    contract?: string;
    option_type?: string;
    strike?: number;
    expiration?: string;
    timestamp: string;
    model_id: string;
    action: string;
    confidence: number;
    entry_price: number;
    stop_loss: number | null;
    take_profit: number | null;
    urgency: string;
    valid_until: string;
    quantity: number;
  };
}

interface Perf {
  modelId: string;
  strategy: string | null;
  alerts: number;
  acknowledged: number;
  filled: number;
  scored: number;
  hitRate: number | null;
  avgReturn: number | null;
  outcomesAll: number;
  hitRateAll: number | null;
  avgReturnAll: number | null;
}

const symbolOf = (a: AlertItem['alert']): string => a.ticker ?? a.underlying ?? a.contract ?? '–';

const perfColumns: Column<Perf>[] = [
  { key: 'modelId', label: 'model', value: (p) => p.modelId },
  { key: 'strategy', label: 'strategy', value: (p) => p.strategy ?? '' },
  { key: 'alerts', label: 'alerts', value: (p) => p.alerts, numeric: true },
  { key: 'acknowledged', label: 'acknowledged', value: (p) => p.acknowledged, numeric: true },
  { key: 'filled', label: 'filled', value: (p) => p.filled, numeric: true },
  { key: 'scored', label: 'scored', value: (p) => p.scored, numeric: true },
  { key: 'hitRate', label: 'hit rate', value: (p) => p.hitRate, numeric: true, render: (p) => pct(p.hitRate) },
  { key: 'avgReturn', label: 'avg return', value: (p) => p.avgReturn, numeric: true, render: (p) => pct(p.avgReturn, 2) },
  { key: 'hitRateAll', label: 'hit rate (all)', value: (p) => p.hitRateAll, numeric: true, render: (p) => pct(p.hitRateAll) },
  { key: 'avgReturnAll', label: 'avg return (all)', value: (p) => p.avgReturnAll, numeric: true, render: (p) => pct(p.avgReturnAll, 2) },
];

export function AlertsPage() {
  const { caps } = useApp();
  const ok = caps.has('GET', '/alerts');
  const [symbol, setSymbol] = useState('');
  const [status, setStatus] = useState('');
  const [kind, setKind] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [live, setLive] = useState<AlertItem[]>([]);
  const [connected, setConnected] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const sym = /^[A-Za-z0-9.^=/-]{1,32}$/.test(symbol.trim()) ? symbol.trim().toUpperCase() : undefined;
  const symBad = symbol.trim() !== '' && !sym;
  const cursor = cursors[cursors.length - 1];
  const history = useLoad(
    ok ? (s) => api<Page<AlertItem>>('GET', `/alerts${qs({ symbol: sym, status: status || undefined, kind: kind || undefined, cursor: cursor ?? undefined, limit: 50 })}`, undefined, s) : null,
    [ok, sym, status, kind, cursor],
  );
  const perf = useLoad(caps.has('GET', '/alerts/performance') ? (s) => api<{ models: Perf[]; asOf: string }>('GET', '/alerts/performance', undefined, s) : null, []);
  const reloadHistory = history.reload;
  useEffect(() => {
    if (!ok || !caps.has('GET', '/alerts/stream')) return;
    setLive([]);
    return follow(
      (lastId) => `/alerts/stream${qs({ symbol: sym, kind: kind || undefined, after: lastId })}`,
      (f) => {
        if (f.event === 'alert') setLive((l) => [JSON.parse(f.data) as AlertItem, ...l].slice(0, 100));
        else if (f.event === 'alert.acknowledged') {
          const ids = new Set((JSON.parse(f.data) as { alert_ids?: string[] }).alert_ids ?? []);
          setLive((l) => l.map((a) => (ids.has(a.id) ? { ...a, status: 'acknowledged' } : a)));
          reloadHistory();
        }
      },
      setConnected,
    );
  }, [ok, caps, sym, kind, reloadHistory]);
  if (!ok) return <Missing what="alerts" routes={['GET /alerts']} />;

  const ack = async (ids: string[]): Promise<void> => {
    try {
      const r = await api<{ acknowledged: string[]; already: string[] }>('POST', '/alerts/acknowledge', { ids });
      setMsg({ kind: 'ok', text: `acknowledged ${r.acknowledged.length}${r.already.length ? `, ${r.already.length} already were` : ''}` });
      setSelected(new Set());
    } catch (e) {
      setMsg({ kind: 'error', text: errorText(e) });
    }
    history.reload();
    perf.reload();
  };
  const canAck = caps.has('POST', '/alerts/acknowledge');
  const columns: Column<AlertItem>[] = [
    { key: 'time', label: 'time', value: (a) => a.alert.timestamp, render: (a) => time(a.alert.timestamp) },
    { key: 'symbol', label: 'symbol', value: (a) => symbolOf(a.alert) },
    { key: 'instrument', label: 'instrument', value: (a) => a.alert.instrument, render: (a) => `${a.alert.instrument}${a.alert.option_type ? ` ${a.alert.option_type} ${num(a.alert.strike)} ${a.alert.expiration}` : ''}` },
    { key: 'action', label: 'action', value: (a) => a.alert.action, render: (a) => <Badge value={a.alert.action} /> },
    { key: 'confidence', label: 'confidence', value: (a) => a.alert.confidence, numeric: true, render: (a) => pct(a.alert.confidence) },
    { key: 'entry', label: 'entry', value: (a) => a.alert.entry_price, numeric: true, render: (a) => num(a.alert.entry_price) },
    { key: 'stop', label: 'stop', value: (a) => a.alert.stop_loss, numeric: true, render: (a) => num(a.alert.stop_loss) },
    { key: 'target', label: 'target', value: (a) => a.alert.take_profit, numeric: true, render: (a) => num(a.alert.take_profit) },
    { key: 'qty', label: 'qty', value: (a) => a.alert.quantity, numeric: true },
    { key: 'urgency', label: 'urgency', value: (a) => a.alert.urgency },
    { key: 'model', label: 'model', value: (a) => a.alert.model_id },
    { key: 'status', label: 'status', value: (a) => a.status, render: (a) => <Badge value={a.status} /> },
    {
      key: 'ack',
      label: '',
      sortable: false,
      value: () => '',
      render: (a) =>
        canAck && a.status === 'open' ? (
          <button type="button" className="secondary" onClick={() => void ack([a.id])}>
            Acknowledge
          </button>
        ) : null,
    },
  ];
  return (
    <>
      <Panel title="Live alerts" actions={<Badge value={connected ? 'live' : 'offline'} />}>
        {caps.has('GET', '/alerts/stream') ? null : <Missing what="the live alert stream" routes={['GET /alerts/stream']} />}
        {live.length === 0 ? <p className="muted">waiting for new alerts{sym ? ` on ${sym}` : ''}…</p> : <DataTable label="live alerts" rows={live} columns={columns} rowKey={(a) => a.id} />}
      </Panel>
      <Panel
        title="Alert history"
        actions={
          <>
            <input placeholder="symbol" aria-label="symbol filter" value={symbol} onChange={(e) => { setSymbol(e.target.value); setCursors([null]); }} aria-invalid={symBad} size={8} />
            <select aria-label="status filter" value={status} onChange={(e) => { setStatus(e.target.value); setCursors([null]); }}>
              <option value="">any status</option>
              <option>open</option>
              <option>acknowledged</option>
              <option>expired</option>
            </select>
            <select aria-label="instrument filter" value={kind} onChange={(e) => { setKind(e.target.value); setCursors([null]); }}>
              <option value="">any instrument</option>
              <option>stock</option>
              <option>option</option>
              <option>future</option>
            </select>
          </>
        }
      >
        {msg ? <Notice kind={msg.kind}>{msg.text}</Notice> : null}
        <LoadState loading={history.loading && !history.data} error={history.error} empty={history.data && history.data.items.length === 0 ? 'no alerts match' : false} />
        {history.data && history.data.items.length > 0 ? (
          <>
            <DataTable label="alert history" rows={history.data.items} columns={columns} rowKey={(a) => a.id} {...(canAck ? { selected, onSelect: setSelected } : {})} />
            <div className="row">
              {canAck ? (
                <button type="button" disabled={selected.size === 0} onClick={() => void ack([...selected])}>
                  Acknowledge {selected.size} selected
                </button>
              ) : null}
              <button type="button" className="secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Newer
              </button>
              <button type="button" className="secondary" disabled={!history.data.nextCursor} onClick={() => setCursors((c) => [...c, history.data!.nextCursor])}>
                Older
              </button>
            </div>
          </>
        ) : null}
      </Panel>
      <Panel title="Performance by model">
        {caps.has('GET', '/alerts/performance') ? null : <Missing what="alert performance" routes={['GET /alerts/performance']} />}
        <LoadState loading={perf.loading && !perf.data} error={perf.error} empty={perf.data && perf.data.models.length === 0 ? 'no alert outcomes recorded yet' : false} />
        {perf.data && perf.data.models.length > 0 ? <DataTable label="alert performance" rows={perf.data.models} columns={perfColumns} rowKey={(p) => `${p.modelId}:${p.strategy ?? ''}`} /> : null}
      </Panel>
    </>
  );
}
