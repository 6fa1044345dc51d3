/**
 * Sweep configuration and live progress. Simple mode runs the fixed 45-point
 * grid; advanced mode builds the grid from parameter ranges (premium keys).
 * The estimated runtime comes from the server (POST /sweeps/estimate times a
 * few combinations on the model's data) as the form changes, without starting anything.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { duration, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import { follow } from '../sse.ts';
import { MAX_COMBOS, rangeValues, type RangeAxis } from '../sweepGrid.ts';
import type { Model, Sweep } from '../types.ts';
import type { Column } from '../components/DataTable.tsx';
import { initialModelId, ModelSelect } from '../components/ModelSelect.tsx';
import { PageTable } from '../components/PageTable.tsx';
import { Badge, LoadState, Missing, Notice, Panel, Progress } from '../components/ui.tsx';

/** Combinations of the simple grid: threshold (5) x allowed_hours (3) x top_pct (3). */
const SIMPLE_COMBOS = 45;

const RANGES: RangeAxis[] = [
  { key: 'threshold', label: 'threshold', on: true, from: '0.5', to: '0.7', step: '0.05', int: false, min: 0, max: 1 },
  { key: 'top_pct', label: 'top %', on: false, from: '0.05', to: '0.15', step: '0.05', int: false, min: 0.0001, max: 1 },
  { key: 'stop_loss', label: 'stop loss', on: true, from: '0.03', to: '0.09', step: '0.03', int: false, min: 0, max: 0.9999 },
  { key: 'take_profit', label: 'take profit', on: false, from: '0.05', to: '0.15', step: '0.05', int: false, min: 0 },
  { key: 'hold_days', label: 'hold days', on: false, from: '3', to: '10', step: '1', int: false, min: 0.0001 },
  { key: 'max_positions', label: 'max positions', on: false, from: '1', to: '2', step: '1', int: true, min: 1 },
  { key: 'dte_target', label: 'DTE (options)', on: false, from: '7', to: '21', step: '7', int: true, min: 0 },
];
const ENUMS: { key: string; label: string; values: string[] }[] = [
  { key: 'entry_type', label: 'entry type', values: ['level', 'cross'] },
  { key: 'strike_selection', label: 'strike (options)', values: ['ATM', 'OTM_5', 'OTM_10', 'ITM_5', 'ITM_10'] },
];

/** POST /sweeps/estimate. */
interface Estimate {
  combinations: number;
  folds: number;
  evaluations: number;
  windowBars: number;
  workers: number;
  estimatedSeconds: number;
}

function SweepForm({ models, initialModel }: { models: Model[]; initialModel: string | null }) {
  const { caps } = useApp();
  const [model, setModel] = useState(initialModelId(models, initialModel));
  const [mode, setMode] = useState<'simple' | 'custom'>('simple');
  const [ranges, setRanges] = useState(RANGES);
  const [enums, setEnums] = useState<Record<string, string[]>>({});
  const [walkForward, setWalkForward] = useState(false);
  const [tags, setTags] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const spec = models.find((m) => m.id === model)?.spec;
  const option = spec?.instrument === 'option';

  const grid = useMemo(() => {
    const g: Record<string, unknown[]> = {};
    const errors: Record<string, string> = {};
    for (const a of ranges) {
      if (!a.on || (a.key === 'dte_target' && !option)) continue;
      const r = rangeValues(a);
      if (r.error) errors[a.key] = r.error;
      else g[a.key] = r.values;
    }
    for (const e of ENUMS) {
      if (e.key === 'strike_selection' && !option) continue;
      const v = enums[e.key];
      if (v && v.length > 0) g[e.key] = v;
    }
    return { g, errors };
  }, [ranges, enums, option]);
  const combos = mode === 'simple' ? SIMPLE_COMBOS : Object.values(grid.g).reduce((n, v) => n * v.length, Object.keys(grid.g).length > 0 ? 1 : 0);
  const problems = mode === 'custom' ? [...Object.entries(grid.errors).map(([k, v]) => `${k}: ${v}`), ...(combos === 0 ? ['choose at least one axis'] : []), ...(combos > MAX_COMBOS ? [`${combos} combinations; at most ${MAX_COMBOS}`] : [])] : [];
  const ok = !!model && problems.length === 0;
  const canEstimate = caps.has('POST', '/sweeps/estimate');
  const body = JSON.stringify({ model, mode, ...(mode === 'custom' ? { grid: grid.g } : {}), ...(walkForward ? { walkForward: true } : {}) });
  const [estimate, setEstimate] = useState<{ body: string; value?: Estimate; error?: string } | null>(null);
  useEffect(() => {
    if (!ok || !canEstimate) return;
    // Ask once the form has been still for a moment (each estimate times real combinations).
    const ctl = new AbortController();
    const t = setTimeout(() => {
      api<Estimate>('POST', '/sweeps/estimate', JSON.parse(body), ctl.signal)
        .then((value) => setEstimate({ body, value }))
        .catch((e: unknown) => {
          if ((e as Error).name !== 'AbortError') setEstimate({ body, error: errorText(e) });
        });
    }, 400);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [body, ok, canEstimate]);
  const est = estimate?.body === body ? estimate : null;

  const start = async (): Promise<void> => {
    setBusy(true);
    setErr(null);
    try {
      const tagList = tags.split(',').map((t) => t.trim()).filter(Boolean);
      const sw = await api<Sweep>('POST', '/sweeps', { model, mode, ...(mode === 'custom' ? { grid: grid.g } : {}), ...(walkForward ? { walkForward: true } : {}), ...(tagList.length ? { tags: tagList } : {}) });
      navigate(`/sweeps/${sw.id}${sw.estimatedSeconds !== undefined ? `?estimate=${sw.estimatedSeconds.toFixed(1)}` : ''}`);
    } catch (e) {
      setErr(errorText(e));
    }
    setBusy(false);
  };

  return (
    <Panel title="New sweep">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) void start();
        }}
      >
        <div className="row">
          <ModelSelect models={models} value={model} onChange={setModel} />
          <div role="radiogroup" aria-label="mode" className="row">
            <label className="inline">
              <input type="radio" name="mode" checked={mode === 'simple'} onChange={() => setMode('simple')} /> simple (45 combinations)
            </label>
            <label className="inline">
              <input type="radio" name="mode" checked={mode === 'custom'} onChange={() => setMode('custom')} /> advanced (your ranges, premium keys)
            </label>
          </div>
          <label className="inline">
            <input type="checkbox" checked={walkForward} onChange={(e) => setWalkForward(e.target.checked)} /> walk-forward
          </label>
          <label>
            tags
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="comma-separated" />
          </label>
        </div>
        {mode === 'simple' ? (
          <p className="muted">threshold 0.50–0.70 (5) × allowed hours 9–10 / 13–15 / all day (3) × top % 5/10/15 (3), the other parameters from the model.</p>
        ) : (
          <div className="table-wrap">
            <table aria-label="parameter ranges">
              <thead>
                <tr>
                  <th>sweep</th>
                  <th>parameter</th>
                  <th>from</th>
                  <th>to</th>
                  <th>step</th>
                  <th>values</th>
                </tr>
              </thead>
              <tbody>
                {ranges
                  .filter((a) => a.key !== 'dte_target' || option)
                  .map((a) => {
                    const r = a.on ? rangeValues(a) : { values: [] as number[] };
                    const upd = (patch: Partial<RangeAxis>): void => setRanges((rs) => rs.map((x) => (x.key === a.key ? { ...x, ...patch } : x)));
                    return (
                      <tr key={a.key} data-axis={a.key}>
                        <td>
                          <input type="checkbox" aria-label={`sweep ${a.key}`} checked={a.on} onChange={(e) => upd({ on: e.target.checked })} />
                        </td>
                        <td>{a.label}</td>
                        {(['from', 'to', 'step'] as const).map((f) => (
                          <td key={f}>
                            <input size={6} aria-label={`${a.key} ${f}`} value={a[f]} disabled={!a.on} onChange={(e) => upd({ [f]: e.target.value })} aria-invalid={a.on && !!r.error} />
                          </td>
                        ))}
                        <td className={r.error ? 'field-error' : 'muted'}>{a.on ? (r.error ?? r.values.join(', ')) : ''}</td>
                      </tr>
                    );
                  })}
                {ENUMS.filter((e) => e.key !== 'strike_selection' || option).map((e) => (
                  <tr key={e.key}>
                    <td />
                    <td>{e.label}</td>
                    <td colSpan={4}>
                      {e.values.map((v) => (
                        <label key={v} className="inline">
                          <input
                            type="checkbox"
                            checked={enums[e.key]?.includes(v) ?? false}
                            onChange={() => setEnums((s) => ({ ...s, [e.key]: (s[e.key] ?? []).includes(v) ? s[e.key]!.filter((x) => x !== v) : [...(s[e.key] ?? []), v] }))}
                          />
                          {v}
                        </label>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p data-testid="estimate">
          <b>{est?.value?.combinations ?? combos}</b> combination{(est?.value?.combinations ?? combos) === 1 ? '' : 's'}
          {est?.value && est.value.folds > 1 ? ` × ${est.value.folds} walk-forward folds` : walkForward ? ' per walk-forward fold' : ''} · estimated runtime{' '}
          {est?.value ? (
            <b>
              ~{duration(est.value.estimatedSeconds)} on {est.value.workers} worker{est.value.workers === 1 ? '' : 's'}
            </b>
          ) : est?.error ? null : (
            <span className="muted">{canEstimate ? 'estimating…' : 'measured by the server when it starts'}</span>
          )}
        </p>
        {est?.error ? <Notice kind="error">{est.error}</Notice> : null}
        {problems.map((p) => (
          <div key={p} className="field-error">
            {p}
          </div>
        ))}
        <button type="submit" disabled={!ok || busy}>
          {busy ? 'starting…' : 'Start sweep'}
        </button>
        {err ? <Notice kind="error">{err}</Notice> : null}
      </form>
    </Panel>
  );
}

const TERMINAL = new Set(['done', 'cancelled', 'failed']);

/** One sweep, followed live until it ends. */
export function SweepDetail({ id, estimate }: { id: string; estimate: string | null }) {
  const { caps } = useApp();
  const [sweep, setSweep] = useState<Sweep | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    let stop = (): void => undefined;
    let cancelled = false;
    const refresh = (): Promise<void> =>
      api<Sweep>('GET', `/sweeps/${encodeURIComponent(id)}`)
        .then((s) => {
          if (!cancelled) setSweep(s);
          return undefined;
        })
        .catch((e: unknown) => {
          if (!cancelled) setErr(errorText(e));
        });
    if (caps.has('GET', '/sweeps/{id}/events')) {
      stop = follow(
        () => `/sweeps/${encodeURIComponent(id)}/events`,
        (f) => {
          if (f.event === 'sweep') {
            const s = JSON.parse(f.data) as Sweep;
            setSweep(s);
            return TERMINAL.has(s.status);
          }
          if (f.event === 'sweep.progress') {
            const p = (JSON.parse(f.data) as { payload: { done: number; total: number; eta_seconds?: number; elapsed_ms?: number } }).payload;
            setSweep((s) => (s ? { ...s, status: 'running', progress: { ...s.progress, done: p.done, total: p.total, fraction: p.total > 0 ? p.done / p.total : 0, etaSeconds: p.eta_seconds ?? null, elapsedMs: p.elapsed_ms ?? null } } : s));
          }
          if (f.event === 'sweep.completed' || f.event === 'sweep.cancelled' || f.event === 'sweep.failed') {
            void refresh();
            return true;
          }
          return false;
        },
        setLive,
      );
    } else void refresh();
    return () => {
      cancelled = true;
      stop();
    };
  }, [id, caps]);
  const cancel = async (): Promise<void> => {
    try {
      setSweep(await api<Sweep>('DELETE', `/sweeps/${encodeURIComponent(id)}`));
    } catch (e) {
      setErr(errorText(e));
    }
  };
  const p = sweep?.progress;
  return (
    <Panel title={`Sweep ${id.slice(0, 13)}`} actions={live ? <Badge value="live" /> : null}>
      {err ? <Notice kind="error">{err}</Notice> : null}
      {!sweep && !err ? <p className="muted">loading…</p> : null}
      {sweep && p ? (
        <>
          <dl className="facts">
            <dt>status</dt>
            <dd data-testid="sweep-status">
              <Badge value={sweep.status} />
            </dd>
            <dt>model</dt>
            <dd>{sweep.model}</dd>
            <dt>mode</dt>
            <dd>
              {sweep.mode}, {sweep.total} combinations{sweep.walkForward ? ' per fold (walk-forward)' : ''}
            </dd>
            <dt>estimated runtime</dt>
            <dd>{estimate ? duration(Number(estimate)) : '–'}</dd>
            <dt>time left</dt>
            <dd>{TERMINAL.has(sweep.status) ? '–' : duration(p.etaSeconds)}</dd>
            <dt>started</dt>
            <dd>{time(sweep.createdAt)}</dd>
          </dl>
          <Progress done={p.done} total={p.total} label={`${p.done} / ${p.total}${sweep.status === 'done' ? ' — done' : ''}`} />
          <div className="row">
            {!TERMINAL.has(sweep.status) && caps.has('DELETE', '/sweeps/{id}') ? (
              <button type="button" className="danger" onClick={() => void cancel()}>
                Cancel sweep
              </button>
            ) : null}
            {sweep.status === 'done' ? <Link to={`/leaderboard?sweep=${encodeURIComponent(sweep.id)}`}>Open the leaderboard</Link> : null}
          </div>
        </>
      ) : null}
    </Panel>
  );
}

const columns: Column<Sweep>[] = [
  { key: 'createdAt', label: 'started', value: (s) => s.createdAt, render: (s) => <Link to={`/sweeps/${s.id}`}>{time(s.createdAt)}</Link> },
  { key: 'model', label: 'model', value: (s) => s.model },
  { key: 'mode', label: 'mode', value: (s) => s.mode },
  { key: 'total', label: 'combinations', value: (s) => s.total, numeric: true },
  { key: 'status', label: 'status', value: (s) => s.status, render: (s) => <Badge value={s.status} /> },
  { key: 'progress', label: 'progress', value: (s) => s.progress.fraction, numeric: true, render: (s) => `${Math.round(s.progress.fraction * 100)}%` },
  { key: 'tags', label: 'tags', value: (s) => s.tags.join(', ') },
  { key: 'lb', label: '', sortable: false, value: () => '', render: (s) => (s.status === 'done' ? <Link to={`/leaderboard?sweep=${s.id}`}>leaderboard</Link> : null) },
];

export function SweepsPage({ id, query }: { id?: string; query: URLSearchParams }) {
  const { caps } = useApp();
  const ok = caps.has('POST', '/sweeps') && caps.has('GET', '/sweeps/{id}') && caps.has('GET', '/models');
  const models = useLoad(ok ? (s) => api<Page<Model>>('GET', '/models?limit=200', undefined, s) : null, [ok]);
  const sweeps = useLoad(ok && caps.has('GET', '/sweeps') ? (s) => api<Page<Sweep>>('GET', `/sweeps${qs({ limit: 50 })}`, undefined, s) : null, [ok, id]);
  if (!ok) return <Missing what="sweeps" routes={['POST /sweeps', 'GET /sweeps/{id}', 'GET /models']} />;
  return (
    <>
      {id ? <SweepDetail id={id} estimate={query.get('estimate')} /> : null}
      <LoadState loading={models.loading && !models.data} error={models.error} />
      {models.data ? (
        models.data.items.length > 0 ? (
          <SweepForm models={models.data.items} initialModel={query.get('model')} />
        ) : (
          <Notice kind="info">
            No models yet: <Link to="/models">build one</Link> to sweep it.
          </Notice>
        )
      ) : null}
      <Panel title="Your sweeps">
        <PageTable load={sweeps} label="sweeps" empty="no sweeps yet" columns={columns} rowKey={(s) => s.id} />
      </Panel>
    </>
  );
}
