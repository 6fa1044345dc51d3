/**
 * Training review: start a training from a finished sweep, follow it, then
 * review each trained configuration (cross-validated metrics, feature
 * importance, sample out-of-fold predictions) and publish or discard it.
 */
import { useEffect, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { duration, num, pct, time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import { subscribe } from '../sse.ts';
import type { Sweep } from '../types.ts';
import { Badge, LoadState, Missing, Notice, Panel, Progress } from '../components/ui.tsx';

/** GET /training/{id} (fields this page uses). */
interface Training {
  id: string;
  sweepId?: string;
  modelId?: string;
  model?: string;
  status: string;
  progress?: { done: number; total: number; etaSeconds?: number | null };
  createdAt?: string;
  updatedAt?: string;
}

type Metrics = Record<string, number | null>;

/** One trained configuration of GET /training/{id}/results. */
interface ConfigResult {
  rank: number;
  idx?: number;
  params?: Record<string, unknown>;
  gate?: string;
  rows?: number;
  positives?: number;
  best?: { mean?: Metrics; key?: string } & Record<string, unknown>;
  oof?: Metrics;
  metrics?: Metrics;
  importance?: { feature: string; gain: number; share: number }[];
  sample_predictions?: { time: string; p: number; label: number; ret: number }[];
  samplePredictions?: { time: string; p: number; label: number; ret: number }[];
}

interface Results {
  status?: string;
  configs?: ConfigResult[];
  best_config?: number;
  bestConfig?: number;
  published?: { rank: number } | null;
  result?: Results;
}

function MetricsTable({ c }: { c: ConfigResult }) {
  const rows: [string, unknown][] = [
    ['CV log loss', c.best?.mean?.logloss],
    ['CV AUC', c.best?.mean?.auc],
    ['CV accuracy', c.best?.mean?.accuracy],
    ['CV Brier', c.best?.mean?.brier],
    ['out-of-fold AUC', c.oof?.auc],
    ['out-of-fold log loss', c.oof?.logloss],
    ['rows / positives', c.rows !== undefined ? `${c.rows} / ${c.positives ?? '–'}` : undefined],
  ];
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt>{k}</dt>
          <dd>{typeof v === 'string' ? v : num(v, 4)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Importance({ items }: { items: { feature: string; share: number }[] }) {
  const top = items.slice(0, 15);
  const max = Math.max(...top.map((i) => i.share), 1e-12);
  return (
    <table aria-label="feature importance" className="compact">
      <tbody>
        {top.map((i) => (
          <tr key={i.feature}>
            <td>
              <code>{i.feature}</code>
            </td>
            <td style={{ width: '220px' }}>
              <div className="bar-h" style={{ width: `${((i.share / max) * 100).toFixed(1)}%` }} />
            </td>
            <td className="num">{pct(i.share)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Predictions({ items }: { items: { time: string; p: number; label: number; ret: number }[] }) {
  return (
    <div className="table-wrap">
      <table aria-label="sample predictions">
        <thead>
          <tr>
            <th>time</th>
            <th className="num">P(win)</th>
            <th className="num">label</th>
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
  const tr = useLoad((s) => api<Training>('GET', `/training/${encodeURIComponent(id)}`, undefined, s), [id]);
  const finished = tr.data && ['done', 'published'].includes(tr.data.status);
  const res = useLoad(finished && caps.has('GET', '/training/{id}/results') ? (s) => api<Results>('GET', `/training/${encodeURIComponent(id)}/results`, undefined, s) : null, [id, finished, tr.data?.status]);
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const reload = tr.reload;
  useEffect(() => {
    if (!caps.has('GET', '/stream/events')) return;
    return subscribe({ types: ['training.*'], onEvent: (e) => e.subject === id && reload() });
  }, [id, caps, reload]);
  const r = res.data?.result ?? res.data;
  const configs = r?.configs ?? [];
  const best = r?.best_config ?? r?.bestConfig ?? 0;
  const [pick, setPick] = useState<number | null>(null);
  const c = configs[pick ?? best];
  const act = async (what: 'publish' | 'discard' | 'cancel'): Promise<void> => {
    try {
      if (what === 'publish') await api('POST', `/training/${encodeURIComponent(id)}/publish`, c ? { rank: c.rank } : {});
      else if (what === 'discard' && caps.has('POST', '/training/{id}/discard')) await api('POST', `/training/${encodeURIComponent(id)}/discard`, {});
      else await api('DELETE', `/training/${encodeURIComponent(id)}`);
      setMsg({ kind: 'ok', text: `${what}: done` });
    } catch (e) {
      setMsg({ kind: 'error', text: errorText(e) });
    }
    tr.reload();
  };
  const t = tr.data;
  return (
    <Panel title={`Training ${id.slice(0, 13)}`}>
      <LoadState loading={tr.loading && !t} error={tr.error} />
      {msg ? <Notice kind={msg.kind}>{msg.text}</Notice> : null}
      {t ? (
        <>
          <dl className="facts">
            <dt>status</dt>
            <dd data-testid="training-status">
              <Badge value={t.status} />
            </dd>
            <dt>model</dt>
            <dd>{t.model ?? t.modelId ?? '–'}</dd>
            <dt>from sweep</dt>
            <dd>{t.sweepId ? <Link to={`/leaderboard?sweep=${t.sweepId}`}>{t.sweepId.slice(0, 13)}</Link> : '–'}</dd>
          </dl>
          {t.progress && !finished ? <Progress done={t.progress.done} total={t.progress.total} label={`${t.progress.done} / ${t.progress.total} folds · ${duration(t.progress.etaSeconds ?? null)} left`} /> : null}
          <div className="row">
            {finished && caps.has('POST', '/training/{id}/publish') ? (
              <button type="button" className="yes" onClick={() => void act('publish')} disabled={!c}>
                Publish{c ? ` rank ${c.rank}` : ''}
              </button>
            ) : null}
            {finished && (caps.has('POST', '/training/{id}/discard') || caps.has('DELETE', '/training/{id}')) ? (
              <button type="button" className="danger" onClick={() => window.confirm('Discard this training and its artifacts?') && void act('discard')}>
                Discard
              </button>
            ) : null}
            {!finished && caps.has('DELETE', '/training/{id}') && !['failed', 'cancelled', 'discarded'].includes(t.status) ? (
              <button type="button" className="danger" onClick={() => void act('cancel')}>
                Cancel
              </button>
            ) : null}
          </div>
        </>
      ) : null}
      <LoadState loading={res.loading && !res.data} error={res.error} />
      {configs.length > 0 ? (
        <>
          <div className="row" role="group" aria-label="configurations">
            {configs.map((x, i) => (
              <button key={x.rank} type="button" className={`tag${i === (pick ?? best) ? ' on' : ''}`} onClick={() => setPick(i)}>
                rank {x.rank}
                {i === best ? ' (best)' : ''}
                {r?.published?.rank === x.rank ? ' · published' : ''}
              </button>
            ))}
          </div>
          {c ? (
            <div className="grid2">
              <div>
                <h3>Validation metrics</h3>
                <MetricsTable c={c} />
                <p className="muted">{c.params ? Object.entries(c.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ') : ''}</p>
              </div>
              <div>
                <h3>Feature importance (gain)</h3>
                {c.importance?.length ? <Importance items={c.importance} /> : <p className="muted">none recorded</p>}
              </div>
              <div>
                <h3>Sample predictions (out of fold)</h3>
                {(c.sample_predictions ?? c.samplePredictions)?.length ? <Predictions items={(c.sample_predictions ?? c.samplePredictions)!} /> : <p className="muted">none recorded</p>}
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
  const [top, setTop] = useState('3');
  const [err, setErr] = useState<string | null>(null);
  const topN = Number(top);
  const bad = !(Number.isInteger(topN) && topN >= 1 && topN <= 10);
  const start = async (): Promise<void> => {
    setErr(null);
    try {
      const t = await api<Training>('POST', '/training', { sweep: sweep || done.data?.items[0]?.id, top: topN });
      navigate(`/training/${t.id}`);
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
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!bad) void start();
          }}
        >
          <label>
            sweep
            <select value={sweep} onChange={(e) => setSweep(e.target.value)} aria-label="sweep">
              {items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.model} · {s.mode} · {new Date(s.createdAt).toLocaleString()}
                </option>
              ))}
            </select>
          </label>
          <label>
            top configurations
            <input size={3} value={top} onChange={(e) => setTop(e.target.value)} aria-invalid={bad} />
          </label>
          <button type="submit" disabled={bad}>
            Start training
          </button>
        </form>
      ) : null}
      {bad ? <div className="field-error">top configurations: 1 to 10</div> : null}
      {err ? <Notice kind="error">{err}</Notice> : null}
    </Panel>
  );
}

export function TrainingPage({ id }: { id?: string }) {
  const { caps } = useApp();
  if (!caps.has('GET', '/training/{id}')) return <Missing what="training jobs" routes={['POST /training', 'GET /training/{id}', 'GET /training/{id}/results']} />;
  return (
    <>
      {id ? <TrainingDetail id={id} /> : null}
      {caps.has('POST', '/training') ? <StartTraining /> : null}
    </>
  );
}
