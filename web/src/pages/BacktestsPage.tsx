/**
 * Backtests: run one (a bundled symbol with a built-in strategy, or one of
 * your models), list them, and chart any of them: price, buy/sell signals and equity.
 */
import { useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { num, pct, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import type { Backtest, Model } from '../types.ts';
import { BacktestView } from '../components/BacktestView.tsx';
import type { Column } from '../components/DataTable.tsx';
import { initialModelId, ModelSelect } from '../components/ModelSelect.tsx';
import { PageTable } from '../components/PageTable.tsx';
import { LoadState, Missing, Notice, Panel } from '../components/ui.tsx';

const STRATEGIES = ['sma-cross', 'rsi', 'donchian', 'buy-and-hold'];
const SYMBOLS = ['TTRC', 'DAX', 'SMI', 'CAC', 'FTSE', 'AA', 'AXP', 'T', 'BA', 'CAT', 'C', 'KO', 'DD', 'EK', 'XOM', 'GE', 'GM', 'HWP', 'HD', 'HON', 'INTC', 'IBM', 'IP', 'JPM', 'JNJ', 'MCD', 'MRK', 'MSFT', 'MMM', 'MO', 'PG', 'SBC', 'UTX', 'WMT', 'DIS'];

function RunForm({ models, initialModel }: { models: Model[]; initialModel: string | null }) {
  const [kind, setKind] = useState<'symbol' | 'model'>(initialModel ? 'model' : 'symbol');
  const [symbol, setSymbol] = useState('TTRC');
  const [strategy, setStrategy] = useState('sma-cross');
  const [fast, setFast] = useState('10');
  const [slow, setSlow] = useState('50');
  const [model, setModel] = useState(initialModelId(models, initialModel));
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fastN = Number(fast);
  const slowN = Number(slow);
  const smaBad = strategy === 'sma-cross' && !(Number.isInteger(fastN) && Number.isInteger(slowN) && fastN >= 1 && slowN > fastN);
  const run = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      const body = kind === 'model' ? { model } : { symbol, strategy, ...(strategy === 'sma-cross' ? { params: { fast: fastN, slow: slowN } } : {}) };
      const b = await api<Backtest>('POST', '/backtests', body);
      navigate(`/backtests/${b.id}`);
    } catch (e) {
      setErr(errorText(e));
    }
    setBusy(false);
  };
  return (
    <Panel title="Run a backtest">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label>
          of
          <select value={kind} onChange={(e) => setKind(e.target.value as 'symbol' | 'model')} aria-label="backtest kind">
            <option value="symbol">a bundled symbol</option>
            <option value="model" disabled={models.length === 0}>
              one of your models
            </option>
          </select>
        </label>
        {kind === 'symbol' ? (
          <>
            <label>
              symbol
              <select value={symbol} onChange={(e) => setSymbol(e.target.value)} aria-label="symbol">
                {SYMBOLS.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              strategy
              <select value={strategy} onChange={(e) => setStrategy(e.target.value)} aria-label="strategy">
                {STRATEGIES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            {strategy === 'sma-cross' ? (
              <>
                <label>
                  fast
                  <input size={4} value={fast} onChange={(e) => setFast(e.target.value)} aria-invalid={smaBad} />
                </label>
                <label>
                  slow
                  <input size={4} value={slow} onChange={(e) => setSlow(e.target.value)} aria-invalid={smaBad} />
                </label>
              </>
            ) : null}
          </>
        ) : (
          <ModelSelect models={models} value={model} onChange={setModel} />
        )}
        <button type="submit" disabled={busy || (kind === 'symbol' && smaBad) || (kind === 'model' && !model)}>
          {busy ? 'running…' : 'Run'}
        </button>
      </form>
      {smaBad && kind === 'symbol' ? <div className="field-error">fast and slow: whole numbers with 1 ≤ fast &lt; slow</div> : null}
      {err ? <Notice kind="error">{err}</Notice> : null}
    </Panel>
  );
}

const columns: Column<Backtest>[] = [
  { key: 'createdAt', label: 'run', value: (b) => b.createdAt, render: (b) => <Link to={`/backtests/${b.id}`}>{time(b.createdAt)}</Link> },
  { key: 'kind', label: 'kind', value: (b) => b.kind },
  { key: 'symbol', label: 'symbol', value: (b) => b.symbol },
  { key: 'strategy', label: 'strategy', value: (b) => b.strategy },
  { key: 'return', label: 'return', value: (b) => b.summary?.metrics?.total_return ?? null, numeric: true, render: (b) => pct(b.summary?.metrics?.total_return) },
  { key: 'sharpe', label: 'Sharpe', value: (b) => b.summary?.metrics?.sharpe ?? null, numeric: true, render: (b) => num(b.summary?.metrics?.sharpe) },
  { key: 'dd', label: 'max dd', value: (b) => b.summary?.metrics?.max_drawdown ?? null, numeric: true, render: (b) => pct(b.summary?.metrics?.max_drawdown) },
  { key: 'bh', label: 'buy & hold', value: (b) => b.summary?.buyHold?.total_return ?? null, numeric: true, render: (b) => pct(b.summary?.buyHold?.total_return) },
];

function Detail({ id }: { id: string }) {
  const b = useLoad((s) => api<Backtest>('GET', `/backtests/${encodeURIComponent(id)}`, undefined, s), [id]);
  return (
    <Panel title="Price, signals and equity">
      <LoadState loading={b.loading && !b.data} error={b.error} />
      {b.data ? <BacktestView backtest={b.data} /> : null}
    </Panel>
  );
}

export function BacktestsPage({ id, query }: { id?: string; query: URLSearchParams }) {
  const { caps } = useApp();
  const ok = caps.has('GET', '/backtests') && caps.has('GET', '/backtests/{id}');
  const list = useLoad(ok ? (s) => api<Page<Backtest>>('GET', `/backtests${qs({ limit: 50 })}`, undefined, s) : null, [ok, id]);
  const models = useLoad(ok && caps.has('GET', '/models') ? (s) => api<Page<Model>>('GET', '/models?limit=200', undefined, s) : null, [ok]);
  if (!ok) return <Missing what="backtests" routes={['GET /backtests', 'GET /backtests/{id}']} />;
  return (
    <>
      {id ? <Detail id={id} /> : null}
      {caps.has('POST', '/backtests') && (models.data || !caps.has('GET', '/models')) ? <RunForm models={models.data?.items ?? []} initialModel={query.get('model')} /> : null}
      <Panel title="Your backtests">
        <PageTable load={list} label="backtests" empty="no backtests yet" columns={columns} rowKey={(b) => b.id} />
      </Panel>
    </>
  );
}
