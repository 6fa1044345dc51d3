/**
 * The pack browser: cards with tag filter and search; a pack's detail with a
 * performance preview (the pack's default model backtested by the server, equity
 * beside buy and hold) and a link to build a model from it.
 */
import { useMemo, useState } from 'react';
import { api, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { useLoad } from '../hooks.ts';
import { Link } from '../router.tsx';
import type { Backtest, PackFull, PackSummary } from '../types.ts';
import { BacktestView } from '../components/BacktestView.tsx';
import { Badge, LoadState, Missing, Panel } from '../components/ui.tsx';

function PackCard({ p, selected, onOpen }: { p: PackSummary; selected: boolean; onOpen: () => void }) {
  return (
    <article className={`card${selected ? ' selected' : ''}`} data-pack={p.namespace}>
      <h3>{p.name}</h3>
      <div className="muted">
        {p.namespace} v{p.version} · {p.timeframe} · {p.instruments.join(', ')} {p.official ? <Badge value="official" /> : <Badge value="custom" />}
      </div>
      <p>{p.description}</p>
      <div>
        {p.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
      </div>
      <div className="muted">
        {p.indicators.length} indicators · strategies: {p.strategies.join(', ')}
      </div>
      <div className="row">
        <button type="button" className="secondary" onClick={onOpen}>
          Details
        </button>
        <Link to={`/models?pack=${encodeURIComponent(p.namespace)}`}>Build a model</Link>
      </div>
    </article>
  );
}

/** GET /packs/{id}/preview. */
interface PackPreview {
  id: string;
  version: string;
  strategy: string;
  summary: Backtest['summary'];
  series: { time: number[]; equity: number[]; buyHoldEquity: number[] };
}

function Preview({ pack }: { pack: PackSummary }) {
  const { caps } = useApp();
  const can = caps.has('GET', '/packs/{id}/preview');
  const [show, setShow] = useState(false);
  const p = useLoad(can && show ? (s) => api<PackPreview>('GET', `/packs/${encodeURIComponent(pack.namespace)}/preview`, undefined, s) : null, [pack.namespace, show, can]);
  if (!can) return <Missing what="performance previews" routes={['GET /packs/{id}/preview']} />;
  const bt: Backtest | null = p.data ? { id: p.data.id, kind: 'preview', symbol: p.data.summary.symbol, strategy: p.data.strategy, modelId: null, summary: p.data.summary, createdAt: '', series: p.data.series } : null;
  return (
    <div>
      <div className="row">
        <button type="button" onClick={() => setShow(true)} disabled={show}>
          Performance preview
        </button>
        <span className="muted">the pack&apos;s default model backtested over its data window, beside buy and hold</span>
      </div>
      {show ? <LoadState loading={p.loading && !p.data} error={p.error} /> : null}
      {bt ? <BacktestView backtest={bt} height={320} /> : null}
    </div>
  );
}

function PackDetail({ id }: { id: string }) {
  const p = useLoad((s) => api<PackFull>('GET', `/packs/${encodeURIComponent(id)}`, undefined, s), [id]);
  const d = p.data;
  return (
    <Panel title={d ? `${d.name} (${d.namespace})` : id}>
      <LoadState loading={p.loading && !d} error={p.error} />
      {d ? (
        <div className="grid2">
          <div>
            <dl className="facts">
              {Object.entries(d.personality ?? {}).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt>{k.replace(/_/g, ' ')}</dt>
                  <dd>{String(v)}</dd>
                </div>
              ))}
              <dt>gates</dt>
              <dd>{Object.entries(d.pack.gates ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || '–'}</dd>
              <dt>data</dt>
              <dd>{d.pack.data ? Object.entries(d.pack.data).map(([k, v]) => `${k} ${String(v)}`).join(', ') : '–'}</dd>
            </dl>
            <h3>Indicators</h3>
            <ul>
              {(d.pack.indicators ?? []).map((i) => (
                <li key={i.id}>
                  <code>{i.id}</code> {i.name} {i.params ? <span className="muted">{JSON.stringify(i.params)}</span> : null}
                </li>
              ))}
            </ul>
            <h3>Strategies</h3>
            <ul>
              {(d.pack.strategies ?? []).map((s) => (
                <li key={s.name}>
                  <b>{s.name}</b>
                  {s.default ? ' (default)' : ''} — {s.description ?? ''}
                </li>
              ))}
            </ul>
          </div>
          <Preview pack={d} />
        </div>
      ) : null}
    </Panel>
  );
}

export function PacksPage() {
  const { caps } = useApp();
  const ok = caps.has('GET', '/packs') && caps.has('GET', '/packs/{id}');
  const [q, setQ] = useState('');
  const [tag, setTag] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // All packs once (a catalogue is small); tag and search filter on the server when given.
  const all = useLoad(ok ? (s) => api<Page<PackSummary>>('GET', '/packs?limit=200', undefined, s) : null, [ok]);
  const list = useLoad(ok ? (s) => api<Page<PackSummary>>('GET', `/packs${qs({ q: q.trim() || undefined, tag: tag ?? undefined, limit: 200 })}`, undefined, s) : null, [ok, q, tag]);
  const tags = useMemo(() => [...new Set((all.data?.items ?? []).flatMap((p) => p.tags))].sort(), [all.data]);
  if (!ok) return <Missing what="packs" routes={['GET /packs', 'GET /packs/{id}']} />;
  const packs = list.data?.items ?? [];
  return (
    <>
      <Panel
        title="Strategy packs"
        actions={
          <input type="search" placeholder="search packs" aria-label="search packs" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />
        }
      >
        <div className="row" role="group" aria-label="tags">
          <button type="button" className={`tag${tag === null ? ' on' : ''}`} onClick={() => setTag(null)}>
            all
          </button>
          {tags.map((t) => (
            <button key={t} type="button" className={`tag${tag === t ? ' on' : ''}`} aria-pressed={tag === t} onClick={() => setTag(tag === t ? null : t)}>
              {t}
            </button>
          ))}
        </div>
        <LoadState loading={list.loading && !list.data} error={list.error} empty={list.data && packs.length === 0 ? 'no packs match' : false} />
        <div className="cards">
          {packs.map((p) => (
            <PackCard key={p.id} p={p} selected={open === p.id} onOpen={() => setOpen(open === p.id ? null : p.id)} />
          ))}
        </div>
      </Panel>
      {open ? <PackDetail id={open} /> : null}
    </>
  );
}
