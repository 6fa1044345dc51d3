import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-train-cli-'));
const env = { MODEL_DIR: join(dir, 'models') };
const cli = (...a: string[]) => runCli([...a, '--db', join(dir, 't.db'), '--user', 'u', '--json'], env);
const gridFile = join(dir, 'grid.yaml');
writeFileSync(gridFile, 'grid:\n  threshold: [0.5, 0.6]\n  top_pct: [0.3, 0.5]\n  hold_days: [2, 3, 5]\n  entry_type: [level]\n');
const small = join(dir, 'small.yaml');
writeFileSync(small, 'n_estimators: [5, 10]\nmax_depth: [2]\nlearning_rate: [0.1]\n');

describe('tradepilot train', () => {
  it('train, status, publish and discard print one JSON document each; bad input exits 2', async () => {
    expect((await cli('models', 'create', '--pack', 'trendkeeper', '--name', 'tk')).code).toBe(0);
    const sw = await cli('sweep', '--model', 'tk', '--mode', 'custom', '--config', gridFile, '--workers', '0');
    expect(sw.code).toBe(0);
    const rows = (sw.json() as { id: string; leaderboard: { rows: { rank: number; status: string }[] } }).leaderboard.rows;
    const pass = rows.filter((r) => r.status !== 'FAIL').map((r) => r.rank);
    const fail = rows.find((r) => r.status === 'FAIL')!.rank;
    const id = (sw.json() as { id: string }).id;

    const t = await cli('train', '--sweep', id, '--select', `${pass[0]},${pass[1]}`, '--grid', small, '--folds', '3');
    expect(t.code).toBe(0);
    const v = t.json() as Record<string, unknown> & { configs: Record<string, unknown>[] };
    expect(Object.keys(v).sort()).toEqual(['best_config', 'configs', 'created_at', 'elapsed_ms', 'embargo_days', 'folds', 'grid', 'id', 'model', 'published', 'selected', 'status', 'sweep', 'updated_at', 'user', 'warnings'].sort());
    expect(v).toMatchObject({ status: 'done', sweep: id, model: 'tk', user: 'u', folds: 3, embargo_days: 1, warnings: [], published: null });
    expect(v.configs).toHaveLength(2);
    expect(Object.keys(v.configs[0]!).sort()).toEqual(['alert_threshold', 'best', 'cv', 'gate', 'idx', 'importance', 'model', 'oof', 'params', 'positives', 'rank', 'rows', 'sample_predictions'].sort());

    // The default runs the units on worker threads; --workers 0 runs them on this thread, with the same models.
    expect(t.stderr).toMatch(/units to run on threads \(\d+\)/);
    const here = await cli('train', '--sweep', id, '--select', `${pass[0]},${pass[1]}`, '--grid', small, '--folds', '3', '--workers', '0');
    expect(here.code).toBe(0);
    expect(here.stderr).toContain('units to run on inline (1)');
    const models = (x: { configs: Record<string, unknown>[] }) => x.configs.map(({ model: _model, ...rest }) => rest);
    expect(models(here.json() as typeof v)).toEqual(models(v));
    const badWorkers = await cli('train', '--sweep', id, '--select', String(pass[0]), '--workers', '-1');
    expect(badWorkers.code).toBe(2);
    expect(badWorkers.stderr).toContain('--workers must be an integer');
    const badQueue = await cli('train', '--sweep', id, '--select', String(pass[0]), '--queue', 'http://nope');
    expect(badQueue.code).toBe(2);
    // Neither stored a training: the newest is still the --workers 0 one.
    expect((await cli('train', 'status', 'latest')).json()).toMatchObject({ id: (here.json() as { id: string }).id });

    const st = await cli('train', 'status', v.id as string);
    expect(st.code).toBe(0);
    expect(st.json()).toMatchObject({ id: v.id, status: 'done', done: 6, total: 6 });
    // `latest`: the user's newest training (and, for --sweep, newest finished sweep); another user has none.
    expect((await cli('train', 'status', 'latest')).json()).toMatchObject({ id: (here.json() as { id: string }).id });
    const none = await runCli(['train', '--sweep', 'latest', '--select', '1', '--db', join(dir, 't.db'), '--user', 'nobody', '--json'], env);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no finished sweep of user');

    const pub = await cli('train', 'publish', v.id as string);
    expect(pub.code).toBe(0);
    expect(pub.json()).toMatchObject({ id: v.id, status: 'published', published: { config: v.best_config } });

    const dis = await cli('train', 'discard', v.id as string, '--reason', 'cli test');
    expect(dis.code).toBe(0);
    expect(dis.json()).toMatchObject({ id: v.id, status: 'discarded', configs: null });

    const bad = await cli('train', '--sweep', id, '--select', String(fail));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('FAILs its gates');
    expect((await cli('train', '--sweep', id, '--select', '0')).code).toBe(2);
    expect((await cli('train', '--sweep', id)).code).toBe(2);
    expect((await cli('train', 'status', 'nope')).code).not.toBe(0);
  });
});
