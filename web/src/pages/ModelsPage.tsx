/**
 * The model builder: a form over a pack's choices (indicators, strategy, risk
 * profile, instrument, ticker) with live validation, presets, and the same
 * request as an editable YAML document; plus your models with publish,
 * unpublish and delete. The server re-validates and names the bad field.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { api, ApiError, errorText, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { time } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { Link } from '../router.tsx';
import type { Model, PackFull, PackSummary } from '../types.ts';
import type { Column } from '../components/DataTable.tsx';
import { PageTable } from '../components/PageTable.tsx';
import { Badge, LoadState, Missing, Notice, Panel } from '../components/ui.tsx';

/** The POST /models body. */
interface ModelRequest {
  pack: string;
  name: string;
  indicators?: string[];
  strategy?: string;
  riskProfile?: 'conservative' | 'moderate' | 'aggressive';
  instrument?: string;
  settings?: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const RISK = ['conservative', 'moderate', 'aggressive'] as const;

/** Field errors of a request against its pack (the server checks the same and more). */
export function validate(r: ModelRequest, pack: PackFull | undefined): Record<string, string> {
  const e: Record<string, string> = {};
  if (!r.pack) e.pack = 'choose a pack';
  if (!r.name) e.name = 'required';
  else if (r.name.length > 64) e.name = 'at most 64 characters';
  else if (!NAME.test(r.name)) e.name = 'letters, digits, _ . or - (starting with a letter or digit)';
  if (r.riskProfile !== undefined && !RISK.includes(r.riskProfile)) e.riskProfile = `one of ${RISK.join(', ')}`;
  if (pack) {
    const ids = new Set((pack.pack.indicators ?? []).map((i) => i.id));
    if (r.indicators !== undefined) {
      if (r.indicators.length === 0) e.indicators = 'choose at least one indicator';
      else if (r.indicators.length > 15) e.indicators = 'at most 15 indicators';
      const unknown = r.indicators.filter((i) => !ids.has(i));
      if (unknown.length > 0) e.indicators = `not in pack ${pack.namespace}: ${unknown.join(', ')}`;
    }
    if (r.strategy !== undefined && !pack.strategies.includes(r.strategy)) e.strategy = `pack ${pack.namespace} offers ${pack.strategies.join(', ')}`;
    if (r.instrument !== undefined && !pack.instruments.includes(r.instrument)) e.instrument = `pack ${pack.namespace} supports ${pack.instruments.join(', ')}`;
  }
  return e;
}

/** Presets: starting points a person can then edit. */
const PRESETS: { name: string; apply: (pack: PackFull, r: ModelRequest) => ModelRequest }[] = [
  { name: 'Pack default', apply: (p, r) => ({ pack: p.namespace, name: r.name }) },
  { name: 'Conservative', apply: (p, r) => ({ pack: p.namespace, name: r.name, riskProfile: 'conservative' }) },
  { name: 'Lean (3 indicators)', apply: (p, r) => ({ pack: p.namespace, name: r.name, indicators: (p.pack.indicators ?? []).slice(0, 3).map((i) => i.id) }) },
  { name: 'Aggressive', apply: (p, r) => ({ pack: p.namespace, name: r.name, riskProfile: 'aggressive' }) },
];

/** Drop undefined keys so the YAML shows only what was chosen. */
function clean(r: ModelRequest): ModelRequest {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined && v !== '')) as unknown as ModelRequest;
}

function Builder({ packs, onCreated, initialPack }: { packs: PackSummary[]; onCreated: () => void; initialPack: string | null }) {
  const [req, setReq] = useState<ModelRequest>({ pack: initialPack ?? packs[0]?.namespace ?? '', name: '' });
  const [yamlText, setYamlText] = useState('');
  const [yamlError, setYamlError] = useState<string | null>(null);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<Model | null>(null);
  const [busy, setBusy] = useState(false);
  const pack = useLoad(req.pack ? (s) => api<PackFull>('GET', `/packs/${encodeURIComponent(req.pack)}`, undefined, s) : null, [req.pack]);
  const p = pack.data?.namespace === req.pack ? pack.data : undefined;
  const errors = useMemo(() => validate(req, p), [req, p]);
  // The YAML view follows the form; a change made in the YAML itself is left as typed.
  const fromYaml = useRef(false);
  useEffect(() => {
    if (fromYaml.current) fromYaml.current = false;
    else setYamlText(toYaml(clean(req)));
  }, [req]);

  const set = (patch: Partial<ModelRequest>): void => {
    setYamlError(null);
    setServerError(null);
    setCreated(null);
    setReq((r) => clean({ ...r, ...patch }));
  };
  const onYaml = (text: string): void => {
    setYamlText(text);
    try {
      const v = parseYaml(text) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('the document must be a mapping (pack: ..., name: ...)');
      setYamlError(null);
      setServerError(null);
      fromYaml.current = true;
      setReq(clean(v as ModelRequest));
    } catch (e) {
      const lp = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
      setYamlError(`${lp ? `line ${lp.line}, column ${lp.col}: ` : ''}${(e as Error).message.split('\n')[0]}`);
    }
  };
  const submit = async (): Promise<void> => {
    setBusy(true);
    try {
      setCreated(await api<Model>('POST', '/models', req));
      setServerError(null);
      onCreated();
    } catch (e) {
      setServerError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', errorText(e)));
    }
    setBusy(false);
  };
  const fieldError = (f: string): string | undefined => errors[f] ?? (serverError?.field === f || serverError?.field?.startsWith(`${f}.`) ? serverError.message : undefined);
  const indicators = p?.pack.indicators ?? [];
  const chosen = new Set(req.indicators ?? indicators.map((i) => i.id));
  const ok = Object.keys(errors).length === 0 && !yamlError && !!p;
  return (
    <Panel title="Model builder">
      <div className="row" role="group" aria-label="presets">
        <span className="muted">presets:</span>
        {PRESETS.map((pr) => (
          <button key={pr.name} type="button" className="secondary" disabled={!p} onClick={() => p && set(pr.apply(p, req))}>
            {pr.name}
          </button>
        ))}
      </div>
      <div className="grid2">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (ok) void submit();
          }}
        >
          <div className="form-grid">
            <label>
              pack
              <select value={req.pack} onChange={(e) => setReq(clean({ pack: e.target.value, name: req.name }))} aria-invalid={!!fieldError('pack')}>
                {packs.map((x) => (
                  <option key={x.namespace} value={x.namespace}>
                    {x.name} ({x.namespace})
                  </option>
                ))}
              </select>
              {fieldError('pack') ? <span className="field-error">{fieldError('pack')}</span> : null}
            </label>
            <label>
              name
              <input value={req.name} onChange={(e) => set({ name: e.target.value })} aria-invalid={!!fieldError('name')} placeholder="my-swing-model" />
              {fieldError('name') ? <span className="field-error">{fieldError('name')}</span> : null}
            </label>
            <label>
              strategy
              <select value={req.strategy ?? ''} onChange={(e) => set({ strategy: e.target.value || undefined })} aria-invalid={!!fieldError('strategy')}>
                <option value="">pack default</option>
                {(p?.strategies ?? []).map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
              {fieldError('strategy') ? <span className="field-error">{fieldError('strategy')}</span> : null}
            </label>
            <label>
              risk profile
              <select value={req.riskProfile ?? ''} onChange={(e) => set({ riskProfile: (e.target.value || undefined) as ModelRequest['riskProfile'] })} aria-invalid={!!fieldError('riskProfile')}>
                <option value="">pack default</option>
                {RISK.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
              {fieldError('riskProfile') ? <span className="field-error">{fieldError('riskProfile')}</span> : null}
            </label>
            <label>
              instrument
              <select value={req.instrument ?? ''} onChange={(e) => set({ instrument: e.target.value || undefined })} aria-invalid={!!fieldError('instrument')}>
                <option value="">pack default{p ? ` (${p.defaultInstrument})` : ''}</option>
                {(p?.instruments ?? []).map((i) => (
                  <option key={i}>{i}</option>
                ))}
              </select>
              {fieldError('instrument') ? <span className="field-error">{fieldError('instrument')}</span> : null}
            </label>
            <label>
              ticker (stock)
              <input
                value={String(req.settings?.ticker ?? '')}
                placeholder="pack default"
                onChange={(e) => set({ settings: e.target.value ? { ...req.settings, ticker: e.target.value.toUpperCase() } : undefined })}
                aria-invalid={!!fieldError('settings')}
              />
              {fieldError('settings') ? <span className="field-error">{fieldError('settings')}</span> : null}
            </label>
          </div>
          <fieldset aria-invalid={!!fieldError('indicators')}>
            <legend>indicators</legend>
            {indicators.map((i) => (
              <label key={i.id} className="inline">
                <input
                  type="checkbox"
                  checked={chosen.has(i.id)}
                  onChange={() => {
                    const next = new Set(chosen);
                    if (next.has(i.id)) next.delete(i.id);
                    else next.add(i.id);
                    set({ indicators: next.size === indicators.length ? undefined : indicators.map((x) => x.id).filter((x) => next.has(x)) });
                  }}
                />
                <code>{i.id}</code>
              </label>
            ))}
            {fieldError('indicators') ? <span className="field-error">{fieldError('indicators')}</span> : null}
          </fieldset>
          <div className="row">
            <button type="submit" disabled={!ok || busy}>
              {busy ? 'creating…' : 'Create model'}
            </button>
            {!ok && Object.keys(errors).length > 0 ? <span className="field-error">{Object.keys(errors).length} field(s) to fix</span> : null}
          </div>
          {serverError ? <Notice kind="error">{errorText(serverError)}</Notice> : null}
          {created ? (
            <Notice kind="ok">
              model {created.name} created ({created.id}) — <Link to={`/sweeps?model=${encodeURIComponent(created.id)}`}>sweep it</Link> or{' '}
              <Link to={`/backtests?model=${encodeURIComponent(created.id)}`}>backtest it</Link>
            </Notice>
          ) : null}
        </form>
        <label>
          YAML (edit either side)
          <textarea value={yamlText} onChange={(e) => onYaml(e.target.value)} spellCheck={false} aria-label="model YAML" aria-invalid={!!yamlError} />
          {yamlError ? <span className="field-error">{yamlError}</span> : null}
        </label>
      </div>
    </Panel>
  );
}

export function ModelsPage({ query }: { query: URLSearchParams }) {
  const { caps } = useApp();
  const ok = caps.has('GET', '/models') && caps.has('POST', '/models') && caps.has('GET', '/packs');
  const packs = useLoad(ok ? (s) => api<Page<PackSummary>>('GET', '/packs?limit=200', undefined, s) : null, [ok]);
  const models = useLoad(ok ? (s) => api<Page<Model>>('GET', '/models?limit=200', undefined, s) : null, [ok]);
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  if (!ok) return <Missing what="models" routes={['GET /models', 'POST /models', 'GET /packs']} />;
  const act = async (m: Model, what: 'publish' | 'unpublish' | 'delete'): Promise<void> => {
    try {
      if (what === 'delete') {
        if (!window.confirm(`Delete model ${m.name}?`)) return;
        await api('DELETE', `/models/${encodeURIComponent(m.id)}`);
      } else await api('POST', `/models/${encodeURIComponent(m.id)}/${what}`, {});
      setMsg({ kind: 'ok', text: `${m.name}: ${what} done` });
    } catch (e) {
      setMsg({ kind: 'error', text: errorText(e) });
    }
    models.reload();
  };
  const columns: Column<Model>[] = [
    { key: 'name', label: 'name', value: (m) => m.name },
    { key: 'pack', label: 'pack', value: (m) => m.spec.pack?.namespace ?? '' },
    { key: 'strategy', label: 'strategy', value: (m) => m.spec.strategy ?? '' },
    { key: 'instrument', label: 'instrument', value: (m) => m.spec.instrument ?? '' },
    { key: 'status', label: 'status', value: (m) => m.status, render: (m) => <Badge value={m.status} /> },
    { key: 'updatedAt', label: 'updated', value: (m) => m.updatedAt, render: (m) => time(m.updatedAt) },
    {
      key: 'actions',
      label: '',
      sortable: false,
      value: () => '',
      render: (m) => (
        <span className="row">
          <Link to={`/sweeps?model=${encodeURIComponent(m.id)}`}>sweep</Link>
          <Link to={`/backtests?model=${encodeURIComponent(m.id)}`}>backtest</Link>
          {caps.has('POST', '/models/{id}/publish') ? (
            <button type="button" className="secondary" onClick={() => void act(m, m.status === 'published' ? 'unpublish' : 'publish')}>
              {m.status === 'published' ? 'Unpublish' : 'Publish'}
            </button>
          ) : null}
          {caps.has('DELETE', '/models/{id}') ? (
            <button type="button" className="danger" onClick={() => void act(m, 'delete')}>
              Delete
            </button>
          ) : null}
        </span>
      ),
    },
  ];
  return (
    <>
      <LoadState loading={packs.loading && !packs.data} error={packs.error} />
      {packs.data ? <Builder packs={packs.data.items} onCreated={models.reload} initialPack={query.get('pack')} /> : null}
      <Panel title="Your models">
        {msg ? <Notice kind={msg.kind}>{msg.text}</Notice> : null}
        <PageTable load={models} label="models" empty="no models yet: build one above" columns={columns} rowKey={(m) => m.id} />
      </Panel>
    </>
  );
}
