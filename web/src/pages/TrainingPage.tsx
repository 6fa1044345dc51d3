/**
 * Training review: start a training of chosen leaderboard ranks of a finished
 * sweep, follow it live, then review each trained configuration (validation
 * metrics, feature importance, sample out-of-fold predictions) and publish
 * one, or discard the training.
 */
import { useEffect, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { duration, num, pct, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import { follow } from '../sse.ts';
import type { Sweep, SweepResults } from '../types.ts';
import { Badge, LoadState, Missing, Notice, Panel, Progress } from '../components/ui.tsx';

type Metrics = { logloss: number; auc: number | null; accuracy: number; brier: number; rows?: number };

/** One trained configuration (GET /training/{id}). */
interface TrainedConfig {
  rank: number;
  idx: number;
  gate: string;
  params: Record<string, unknown>;
  rows: number;
  positives: number;
  best: { n_estimators: number; max_depth: number; learning_rate: number };
  cv: Metrics;
  oof: Metrics;
  model: { registry: string; name: string; version: number };
  importance: { feature: string; gain: number; share: number }[];
  alert_threshold: number;
  sample_predictions: { time: string; p: number; label: number; ret: number }[];
}

/** GET /training/{id}. */
export interface Training {
  id: string;
  status: string;
  sweep: string;
  model: string;
  selected: { rank: number; idx: number; status: string; sharpe: number }[];
  grid: { n_estimators: number[]; max_depth: number[]; learning_rate: number[] };
  folds: number;
  embargo_days: number;
  configs: TrainedConfig[] | null;
  best_config: number | null;
  published: { rank: number; version: number; at: string } | null;
  elapsed_ms: number | null;
  created_at: string;
  done: number;
  total: number;
  warnings: string[];
}

const ENDED = new Set(['done', 'published', 'cancelled', 'failed', 'discarded']);
const FINISHED = new Set(['done', 'published']);

/** Grids offered when starting: the server default, or one quick point. */
export const GRIDS: Record<string, { label: string; grid?: Training['grid']; folds?: number }> = {
  default: { label: 'full grid (12 points, 5 folds)' },
  quick: { label: 'quick (1 point, 3 folds)', grid: { n_estimators: [50], max_depth: [3], learning_rate: [0.1] }, folds: 3 },
};

/** Start a training; returns its id. */
export async function startTraining(sweep: string, ranks: number[], gridKey: string): Promise<Training> {
  const g = GRIDS[gridKey] ?? GRIDS.default!;
  return api<Training>('POST', '/training', { sweep, select: ranks, ...(g.grid ? { grid: g.grid } : {}), ...(g.folds ? { folds: g.folds } : {}) });
}

function MetricsTable({ c }: { c: TrainedConfig }) {
  const rows: [string, string, string][] = [
    ['log loss', num(c.cv.logloss, 4), num(c.oof.logloss, 4)],
    ['AUC', num(c.cv.auc, 4), num(c.oof.auc, 4)],
    ['accuracy', pct(c.cv.accuracy), pct(c.oof.accuracy)],
    ['Brier', num(c.cv.brier, 4), num(c.oof.brier, 4)],
  ];
  return (
    <>
      <table aria-label="validation metrics" className="compact">
        <thead>
          <tr>
            <th />
            <th className="num">CV mean</th>
            <th className="num">out of fold</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, a, b]) => (
            <tr key={k}>
              <td>{k}</td>
              <td className="num">{a}</td>
              <td className="num">{b}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts">
        <dt>rows / wins</dt>
        <dd>
          {c.rows} / {num(c.positives, 0)}
        </dd>
        <dt>best grid point</dt>
        <dd>
          {c.best.n_estimators} trees, depth {c.best.max_depth}, learning rate {c.best.learning_rate}
        </dd>
        <dt>alerts at</dt>
        <dd>P(win) ≥ {num(c.alert_threshold, 3)}</dd>
        <dt>registry</dt>
        <dd>
          {c.model.name} v{c.model.version}
        </dd>
        <dt>parameters</dt>
        <dd className="muted">{Object.entries(c.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}</dd>
      </dl>
    </>
  );
}

function Importance({ items }: { items: { feature: string; share: number }[] }) {
  const max = Math.max(...items.map((i) => i.share), 1e-12);
  return (
    <table aria-label="feature importance" className="compact">
      <tbody>
        {items.map((i) => (
          <tr key={i.feature}>
            <td>
              <code>{i.feature}</code>
            </td>
            <td className="bar-cell">
              <div className="bar-h" style={{ width: `${((i.share / max) * 100).toFixed(1)}%` }} />
            </td>
            <td className="num">{pct(i.share)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Predictions({ items }: { items: TrainedConfig['sample_predictions'] }) {
  return (
    <div className="table-wrap">
      <table aria-label="sample predictions">
        <thead>
          <tr>
            <th>time</th>
            <th className="num">P(win)</th>
            <th className="num">won</th>
            <th className="num">trade return</th>
            <th>call</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s, i) => (
            <tr key={`${s.time}-${i}`}>
              <td>{time(s.time)}</td>
              <td className="num">{num(s.p, 3)}</td>
              <td className="num">{s.label}</td>
              <td className="num">{pct(s.ret, 2)}</td>
              <td>{(s.p >= 0.5 ? 1 : 0) === s.label ? <Badge value="right" /> : <Badge value="wrong" />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TrainingDetail({ id }: { id: string }) {
  const { caps } = useApp();
  const [t, setT] = useState<Training | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [pick, setPick] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const load = (): Promise<void> =>
      api<Training>('GET', `/training/${encodeURIComponent(id)}`)
        .then((x) => {
          if (live) setT(x);
        })
        .catch((e: unknown) => {
          if (live) setErr(errorText(e));
        });
    void load();
    let stop = (): void => undefined;
    if (caps.has('GET', '/training/{id}/events')) {
      // Each event (fold finished, completed, ...) refreshes the view; the stream ends with the training.
      stop = follow(
        () => `/training/${encodeURIComponent(id)}/events`,
        (f) => {
          if (f.event === 'training.state') return ENDED.has((JSON.parse(f.data) as { status: string }).status);
          void load();
          return f.event === 'training.completed' || f.event === 'training.failed' || f.event === 'training.cancelled' || f.event === 'training.discarded';
        },
      );
    }
    return () => {
      live = false;
      stop();
    };
  }, [id, caps, tick]);

  const configs = t?.configs ?? [];
  const best = t?.best_config ?? 0;
  const c = configs[pick ?? best];
  const act = async (what: 'publish' | 'discard' | 'cancel'): Promise<void> => {
    try {
      const r = what === 'publish' ? await api<Training>('POST', `/training/${encodeURIComponent(id)}/publish`, c ? { rank: c.rank } : {}) : await api<Training>('DELETE', `/training/${encodeURIComponent(id)}`);
      setT(r);
      setMsg({ kind: 'ok', text: what === 'publish' ? `published rank ${r.published?.rank ?? c?.rank}: its model now generates alerts` : `${what}: ${r.status}` });
      if (what === 'cancel') setTick((x) => x + 1);
    } catch (e) {
      setMsg({ kind: 'error', text: errorText(e) });
    }
  };
  const finished = t ? FINISHED.has(t.status) : false;
  return (
    <Panel title={`Training ${id.slice(0, 13)}`}>
      {err ? <Notice kind="error">{err}</Notice> : null}
      {!t && !err ? <p className="muted">loading…</p> : null}
      {msg ? <Notice kind={msg.kind}>{msg.text}</Notice> : null}
      {t ? (
        <>
          <dl className="facts">
            <dt>status</dt>
            <dd data-testid="training-status">
              <Badge value={t.status} />
            </dd>
            <dt>model</dt>
            <dd>{t.model}</dd>
            <dt>from sweep</dt>
            <dd>
              <Link to={`/leaderboard?sweep=${t.sweep}`}>{t.sweep.slice(0, 13)}</Link> ranks {t.selected.map((s) => s.rank).join(', ')}
            </dd>
            <dt>grid</dt>
            <dd>
              trees {t.grid.n_estimators.join('/')} × depth {t.grid.max_depth.join('/')} × learning rate {t.grid.learning_rate.join('/')}, {t.folds} purged folds, embargo {t.embargo_days} d
            </dd>
            <dt>elapsed</dt>
            <dd>{t.elapsed_ms !== null ? duration(t.elapsed_ms / 1000) : '–'}</dd>
          </dl>
          {t.warnings.length > 0 ? <Notice kind="warn">{t.warnings.join('; ')}</Notice> : null}
          <Progress done={t.done} total={t.total} label={`${t.done} / ${t.total} (configuration, fold) fits`} />
          <div className="row">
            {finished && caps.has('POST', '/training/{id}/publish') && c ? (
              <button type="button" className="yes" onClick={() => void act('publish')} disabled={t.published?.rank === c.rank}>
                Publish rank {c.rank}
              </button>
            ) : null}
            {finished && caps.has('DELETE', '/training/{id}') ? (
              <button type="button" className="danger" onClick={() => window.confirm('Discard this training and delete its models?') && void act('discard')}>
                Discard
              </button>
            ) : null}
            {!ENDED.has(t.status) && caps.has('DELETE', '/training/{id}') ? (
              <button type="button" className="danger" onClick={() => void act('cancel')}>
                Cancel
              </button>
            ) : null}
          </div>
        </>
      ) : null}
      {configs.length > 0 ? (
        <>
          <div className="row" role="group" aria-label="configurations">
            {configs.map((x, i) => (
              <button key={x.rank} type="button" className={`tag${i === (pick ?? best) ? ' on' : ''}`} onClick={() => setPick(i)}>
                rank {x.rank}
                {i === best ? ' (best)' : ''}
                {t?.published?.rank === x.rank ? ' · published' : ''}
              </button>
            ))}
          </div>
          {c ? (
            <div className="grid2">
              <div>
                <h3>Validation</h3>
                <MetricsTable c={c} />
              </div>
              <div>
                <h3>Feature importance (gain)</h3>
                {c.importance.length > 0 ? <Importance items={c.importance} /> : <p className="muted">none recorded</p>}
              </div>
              <div>
                <h3>Sample predictions (out of fold)</h3>
                {c.sample_predictions.length > 0 ? <Predictions items={c.sample_predictions} /> : <p className="muted">none recorded</p>}
              </div>
            </div>
          ) : null}
        </>
      ) : null}
    </Panel>
  );
}

function StartTraining() {
  const { caps } = useApp();
  const done = useLoad(caps.has('GET', '/sweeps') ? (s) => api<Page<Sweep>>('GET', `/sweeps${qs({ status: 'done', limit: 100 })}`, undefined, s) : null, []);
  const [sweep, setSweep] = useState('');
  const chosen = sweep || done.data?.items[0]?.id || '';
  const results = useLoad(chosen && caps.has('GET', '/sweeps/{id}/results') ? (s) => api<SweepResults>('GET', `/sweeps/${encodeURIComponent(chosen)}/results`, undefined, s) : null, [chosen]);
  const eligible = (results.data?.leaderboard.rows ?? []).filter((r) => r.status !== 'FAIL');
  const [ranks, setRanks] = useState<Set<number> | null>(null);
  const picked = ranks ?? new Set(eligible.slice(0, 3).map((r) => r.rank));
  const [grid, setGrid] = useState('default');
  const [err, setErr] = useState<string | null>(null);
  const start = async (): Promise<void> => {
    setErr(null);
    try {
      navigate(`/training/${(await startTraining(chosen, [...picked].sort((a, b) => a - b), grid)).id}`);
    } catch (e) {
      setErr(errorText(e));
    }
  };
  const items = done.data?.items ?? [];
  return (
    <Panel title="Train from a sweep">
      <LoadState loading={done.loading && !done.data} error={done.error} empty={done.data && items.length === 0 ? 'no finished sweeps to train from' : false} />
      {items.length > 0 ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (picked.size > 0) void start();
          }}
        >
          <div className="row">
            <label>
              sweep
              <select
                value={chosen}
                onChange={(e) => {
                  setSweep(e.target.value);
                  setRanks(null);
                }}
                aria-label="sweep"
              >
                {items.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.model} · {s.mode} · {new Date(s.createdAt).toLocaleString()}
                  </option>
                ))}
              </select>
            </label>
            <label>
              grid
              <select value={grid} onChange={(e) => setGrid(e.target.value)} aria-label="grid">
                {Object.entries(GRIDS).map(([k, g]) => (
                  <option key={k} value={k}>
                    {g.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={picked.size === 0}>
              Train {picked.size} configuration{picked.size === 1 ? '' : 's'}
            </button>
          </div>
          <LoadState loading={results.loading && !results.data} error={results.error} empty={results.data && eligible.length === 0 ? 'no PASS or MARGINAL rows in this sweep: nothing worth training' : false} />
          <div className="row" role="group" aria-label="ranks">
            {eligible.slice(0, 20).map((r) => (
              <label key={r.rank} className="inline">
                <input
                  type="checkbox"
                  checked={picked.has(r.rank)}
                  onChange={() => {
                    const n = new Set(picked);
                    if (n.has(r.rank)) n.delete(r.rank);
                    else n.add(r.rank);
                    setRanks(n);
                  }}
                />
                #{r.rank} <Badge value={r.status} /> Sharpe {num(r.sharpe)}
              </label>
            ))}
          </div>
          {picked.size > 5 ? <Notice kind="warn">more than five configurations: the server will warn about selection bias</Notice> : null}
        </form>
      ) : null}
      {err ? <Notice kind="error">{err}</Notice> : null}
    </Panel>
  );
}

export function TrainingPage({ id }: { id?: string }) {
  const { caps } = useApp();
  if (!caps.has('GET', '/training/{id}')) return <Missing what="training jobs" routes={['POST /training', 'GET /training/{id}']} />;
  return (
    <>
      {id ? <TrainingDetail id={id} /> : null}
      {caps.has('POST', '/training') ? <StartTraining /> : null}
    </>
  );
}
