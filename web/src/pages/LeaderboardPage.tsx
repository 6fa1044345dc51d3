/**
 * A finished sweep's leaderboard: sortable columns, checkbox selection, CSV
 * export of the selected rows (or all), and the selected rows side by side.
 */
import { useMemo, useState } from 'react';
import { api, errorText, qs, type Page } from '../api.ts';
import { useApp } from '../context.ts';
import { toCsv } from '../csv.ts';
import { download } from '../download.ts';
import { num, pct, text } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { navigate } from '../router.tsx';
import { GRIDS, startTraining } from './TrainingPage.tsx';
import type { LeaderboardRow, Sweep, SweepResults } from '../types.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Badge, LoadState, Missing, Notice, Panel } from '../components/ui.tsx';

/** Parameters whose value differs between rows (the swept ones), in a stable order. */
export function sweptKeys(rows: readonly LeaderboardRow[]): string[] {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  return keys.filter((k) => new Set(rows.map((r) => JSON.stringify(r.params[k]))).size > 1);
}

const METRICS: { key: keyof LeaderboardRow; label: string; fmt: (x: unknown) => string }[] = [
  { key: 'sharpe', label: 'Sharpe', fmt: (x) => num(x) },
  { key: 'total_return', label: 'return', fmt: (x) => pct(x) },
  { key: 'trades', label: 'trades', fmt: (x) => num(x, 0) },
  { key: 'max_drawdown', label: 'max dd', fmt: (x) => pct(x) },
  { key: 'win_rate', label: 'win rate', fmt: (x) => pct(x) },
];

function Compare({ rows, keys }: { rows: LeaderboardRow[]; keys: string[] }) {
  const all = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const lines: [string, (r: LeaderboardRow) => string, boolean][] = [
    ['rank', (r) => String(r.rank), false],
    ['gate', (r) => r.status, false],
    ...METRICS.map((m): [string, (r: LeaderboardRow) => string, boolean] => [m.label, (r) => m.fmt(r[m.key]), false]),
    ...all.map((k): [string, (r: LeaderboardRow) => string, boolean] => [k, (r) => text(r.params[k]), keys.includes(k)]),
    ['reasons', (r) => r.reasons.join('; ') || '–', false],
  ];
  return (
    <div className="table-wrap">
      <table aria-label="comparison">
        <thead>
          <tr>
            <th />
            {rows.map((r) => (
              <th key={r.idx}>#{r.rank}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map(([label, f, swept]) => {
            const vals = rows.map(f);
            const differ = new Set(vals).size > 1;
            return (
              <tr key={label}>
                <td className={swept ? 'swept' : undefined}>{label}</td>
                {vals.map((v, i) => (
                  <td key={rows[i]!.idx} className={differ ? 'differs' : undefined}>
                    {v}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function LeaderboardPage({ query }: { query: URLSearchParams }) {
  const { caps } = useApp();
  const ok = caps.has('GET', '/sweeps/{id}/results') && caps.has('GET', '/sweeps');
  const sweepId = query.get('sweep');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [gate, setGate] = useState('');
  const [comparing, setComparing] = useState(false);
  const [grid, setGrid] = useState('default');
  const [trainError, setTrainError] = useState<string | null>(null);
  const done = useLoad(ok ? (s) => api<Page<Sweep>>('GET', `/sweeps${qs({ status: 'done', limit: 100 })}`, undefined, s) : null, [ok]);
  const results = useLoad(ok && sweepId ? (s) => api<SweepResults>('GET', `/sweeps/${encodeURIComponent(sweepId)}/results`, undefined, s) : null, [ok, sweepId]);
  const rows = useMemo(() => (results.data?.leaderboard.rows ?? []).filter((r) => !gate || r.status === gate), [results.data, gate]);
  const keys = useMemo(() => sweptKeys(results.data?.leaderboard.rows ?? []), [results.data]);
  if (!ok) return <Missing what="sweep leaderboards" routes={['GET /sweeps', 'GET /sweeps/{id}/results']} />;

  const columns: Column<LeaderboardRow>[] = [
    { key: 'rank', label: 'rank', value: (r) => r.rank, numeric: true },
    ...keys.map((k): Column<LeaderboardRow> => ({ key: `p.${k}`, label: k, value: (r) => (typeof r.params[k] === 'number' ? r.params[k] : text(r.params[k])), render: (r) => text(r.params[k]) })),
    ...METRICS.map((m): Column<LeaderboardRow> => ({ key: m.key, label: m.label, value: (r) => r[m.key], numeric: true, render: (r) => m.fmt(r[m.key]) })),
    { key: 'status', label: 'gate', value: (r) => r.status, render: (r) => <Badge value={r.status} /> },
    { key: 'reasons', label: 'reasons', value: (r) => r.reasons.join('; '), sortable: false },
  ];
  const picked = rows.filter((r) => selected.has(String(r.idx)));
  const exportCsv = (): void => {
    const out = picked.length > 0 ? picked : rows;
    const allKeys = [...new Set(out.flatMap((r) => Object.keys(r.params)))].sort();
    const cols = ['rank', 'idx', ...allKeys, 'sharpe', 'total_return', 'trades', 'max_drawdown', 'win_rate', 'status', 'reasons'];
    const flat = out.map((r) => ({ ...r.params, rank: r.rank, idx: r.idx, sharpe: r.sharpe, total_return: r.total_return, trades: r.trades, max_drawdown: r.max_drawdown, win_rate: r.win_rate, status: r.status, reasons: r.reasons.join('; ') }));
    download(`leaderboard-${sweepId?.slice(0, 13) ?? 'sweep'}${picked.length > 0 ? `-${picked.length}-rows` : ''}.csv`, toCsv(cols, flat));
  };
  const trainable = picked.filter((r) => r.status !== 'FAIL');
  const train = async (): Promise<void> => {
    setTrainError(null);
    try {
      navigate(`/training/${(await startTraining(sweepId!, trainable.map((r) => r.rank).sort((a, b) => a - b), grid)).id}`);
    } catch (e) {
      setTrainError(errorText(e));
    }
  };
  const lb = results.data?.leaderboard;
  return (
    <>
      <Panel
        title="Leaderboard"
        actions={
          <select
            aria-label="sweep"
            value={sweepId ?? ''}
            onChange={(e) => {
              setSelected(new Set());
              setComparing(false);
              navigate(`/leaderboard${e.target.value ? `?sweep=${encodeURIComponent(e.target.value)}` : ''}`);
            }}
          >
            <option value="">choose a finished sweep</option>
            {(done.data?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.model} · {s.mode} · {s.total} · {new Date(s.createdAt).toLocaleString()}
              </option>
            ))}
            {sweepId && !(done.data?.items ?? []).some((s) => s.id === sweepId) ? <option value={sweepId}>{sweepId}</option> : null}
          </select>
        }
      >
        <LoadState loading={done.loading && !done.data} error={done.error} empty={!sweepId && done.data && done.data.items.length === 0 ? 'no finished sweeps yet' : false} />
        {sweepId ? <LoadState loading={results.loading && !results.data} error={results.error} /> : null}
        {lb ? (
          <>
            <p className="muted">
              {results.data!.model}: {lb.totalRows} rows · PASS {lb.counts.PASS ?? 0} · MARGINAL {lb.counts.MARGINAL ?? 0} · FAIL {lb.counts.FAIL ?? 0} · winner deflated Sharpe {num(lb.winner_dsr, 3)} over {lb.trials} distinct trials · PBO {num(lb.pbo, 3)} ({lb.pbo_splits} splits)
            </p>
            <div className="row">
              <select aria-label="gate filter" value={gate} onChange={(e) => setGate(e.target.value)}>
                <option value="">all gates</option>
                <option>PASS</option>
                <option>MARGINAL</option>
                <option>FAIL</option>
              </select>
              <button type="button" onClick={exportCsv} disabled={rows.length === 0}>
                Export CSV ({picked.length > 0 ? `${picked.length} selected` : `all ${rows.length}`})
              </button>
              <button type="button" className="secondary" disabled={picked.length < 2} onClick={() => setComparing((c) => !c)}>
                {comparing ? 'Hide comparison' : `Compare ${picked.length} side by side`}
              </button>
              {caps.has('POST', '/training') ? (
                <>
                  <button type="button" className="secondary" disabled={trainable.length === 0} onClick={() => void train()} title="PASS and MARGINAL rows only">
                    Train {trainable.length} selected
                  </button>
                  <select aria-label="training grid" value={grid} onChange={(e) => setGrid(e.target.value)}>
                    {Object.entries(GRIDS).map(([k, g]) => (
                      <option key={k} value={k}>
                        {g.label}
                      </option>
                    ))}
                  </select>
                </>
              ) : null}
              {selected.size > 0 ? (
                <button type="button" className="link" onClick={() => setSelected(new Set())}>
                  clear selection
                </button>
              ) : null}
            </div>
            {trainError ? <Notice kind="error">{trainError}</Notice> : null}
            {rows.length === 0 ? <Notice kind="info">no rows with gate {gate}</Notice> : null}
            <DataTable label="leaderboard" rows={rows} columns={columns} rowKey={(r) => String(r.idx)} selected={selected} onSelect={setSelected} initialSort={{ key: 'rank', dir: 'asc' }} />
          </>
        ) : null}
      </Panel>
      {comparing && picked.length >= 2 ? (
        <Panel title={`Comparison of ${picked.length} configurations`}>
          <Compare rows={picked} keys={keys} />
        </Panel>
      ) : null}
    </>
  );
}
