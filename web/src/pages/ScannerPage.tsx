/**
 * The scanner and ML signals: run POST /api/ml/scan over a list of symbols (or
 * predict one), and follow the signals the scan records (scan.prediction events), live.
 */
import { useEffect, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { num, pct, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { subscribe, type StreamEvent } from '../sse.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Badge, LoadState, Missing, Notice, Panel } from '../components/ui.tsx';

/** The fields of a scan signal this page shows (the API returns more). */
interface Signal {
  prediction_id: string;
  symbol: string;
  decision: string;
  confidence: number | null;
  expected_return: number | null;
  risk_score: number;
  probability: number | null;
  price: number | null;
  signal_time: string;
  reason: string;
  momentum?: { score: number | null; trend: string; rsi: number | null };
  risk_metrics?: { vol_regime: string; annualised_vol: number | null };
}

interface ScanDoc {
  scan_id: string;
  signals: Signal[];
  total_analyzed: number;
  buy_count: number;
  failed: { symbol: string; error: string }[];
  model_version: string;
  timings: Record<string, number>;
}

const columns: Column<Signal>[] = [
  { key: 'symbol', label: 'symbol', value: (s) => s.symbol },
  { key: 'decision', label: 'decision', value: (s) => s.decision, render: (s) => <Badge value={s.decision} /> },
  { key: 'confidence', label: 'confidence', value: (s) => s.confidence, numeric: true, render: (s) => pct(s.confidence) },
  { key: 'probability', label: 'probability', value: (s) => s.probability, numeric: true, render: (s) => num(s.probability, 3) },
  { key: 'expected_return', label: 'exp. return', value: (s) => s.expected_return, numeric: true, render: (s) => pct(s.expected_return, 2) },
  { key: 'risk_score', label: 'risk', value: (s) => s.risk_score, numeric: true },
  { key: 'momentum', label: 'momentum', value: (s) => s.momentum?.score ?? null, numeric: true, render: (s) => `${num(s.momentum?.score, 0)} ${s.momentum?.trend ?? ''}` },
  { key: 'vol', label: 'vol regime', value: (s) => s.risk_metrics?.vol_regime ?? '' },
  { key: 'price', label: 'price', value: (s) => s.price, numeric: true, render: (s) => num(s.price) },
  { key: 'signal_time', label: 'signal time', value: (s) => s.signal_time, render: (s) => time(s.signal_time) },
  { key: 'reason', label: 'reason', value: (s) => s.reason, sortable: false },
];

const SYMBOLS = /^[A-Za-z0-9.^_-]{1,15}$/;

export function ScannerPage() {
  const { caps } = useApp();
  const canScan = caps.has('POST', '/api/ml/scan');
  const canEvents = caps.has('GET', '/events');
  const [symbols, setSymbols] = useState('AAPL, MSFT, JNJ, KO, XOM');
  const [all, setAll] = useState(true);
  const [doc, setDoc] = useState<ScanDoc | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [live, setLive] = useState<Signal[]>([]);
  const recent = useLoad(canEvents ? (s) => api<Page<StreamEvent>>('GET', `/events${qs({ type: 'scan.prediction', limit: 50 })}`, undefined, s) : null, [canEvents]);
  useEffect(() => {
    if (!canEvents || !caps.has('GET', '/stream/events')) return;
    return subscribe({ types: ['scan.prediction'], onEvent: (e) => setLive((l) => [e.payload as Signal, ...l].slice(0, 200)) });
  }, [canEvents, caps]);

  const list = symbols.split(/[\s,]+/).filter(Boolean);
  const bad = list.filter((s) => !SYMBOLS.test(s));
  const run = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      setDoc(await api<ScanDoc>('POST', '/api/ml/scan', { results: list.map((symbol) => ({ symbol: symbol.toUpperCase() })), all }));
    } catch (e) {
      setErr(errorText(e));
    }
    setBusy(false);
  };
  const history = [...live, ...(recent.data?.items.map((e) => e.payload as Signal) ?? [])].filter((s, i, a) => s && a.findIndex((x) => x.prediction_id === s.prediction_id) === i);

  return (
    <>
      <Panel title="ML scan">
        {canScan ? (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void run();
            }}
          >
            <label className="grow">
              symbols
              <input value={symbols} onChange={(e) => setSymbols(e.target.value)} aria-invalid={bad.length > 0} />
            </label>
            <label className="inline">
              <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> every signal, not only BUYs
            </label>
            <button type="submit" disabled={busy || list.length === 0 || bad.length > 0 || list.length > 200}>
              {busy ? 'scanning…' : 'Scan'}
            </button>
          </form>
        ) : (
          <Missing what="the ML scan" routes={['POST /api/ml/scan']} />
        )}
        {bad.length > 0 ? <Notice kind="error">not a ticker: {bad.join(', ')}</Notice> : null}
        {err ? <Notice kind="error">{err}</Notice> : null}
        {doc ? (
          <>
            <p className="muted">
              scan {doc.scan_id}: {doc.total_analyzed} analysed, {doc.buy_count} BUY, model {doc.model_version}
              {doc.timings.total !== undefined ? `, ${num(doc.timings.total, 0)} ms` : ''}
            </p>
            {doc.failed.length > 0 ? <Notice kind="warn">failed: {doc.failed.map((f) => `${f.symbol} (${f.error})`).join('; ')}</Notice> : null}
            <DataTable label="scan signals" rows={doc.signals} columns={columns} rowKey={(s) => s.prediction_id} initialSort={{ key: 'confidence', dir: 'desc' }} />
          </>
        ) : null}
      </Panel>
      <Panel title="ML signals (recorded, live)">
        {canEvents ? null : <Missing what="the audit trail" routes={['GET /events']} />}
        <LoadState loading={recent.loading && !recent.data} error={recent.error} empty={recent.data && history.length === 0 ? 'no signals recorded yet' : false} />
        {history.length > 0 ? <DataTable label="recorded signals" rows={history} columns={columns} rowKey={(s) => s.prediction_id} /> : null}
      </Panel>
    </>
  );
}
