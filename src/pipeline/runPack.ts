/**
 * Stage 1 (pack): which strategy pack the main job runs. `--pack NAMESPACE`
 * picks one of packs/*.yaml; without it the swing pack (DEFAULT_RUN_PACK) runs,
 * because it trades daily bars, which is what the bundled data holds.
 */
import { BadInputError, isTradepilotError } from '../core/errors.ts';
import { findPack, loadPacks, PACKS_DIR, type LoadedPack } from '../strategy/packs/load.ts';
import { defaultModelSpec, type ModelSpec } from '../strategy/models/modelSpec.ts';

/** The namespace of the pack `tradepilot run` uses when `--pack` is not given. */
export const DEFAULT_RUN_PACK = 'swingsigma';

/** A pack resolved for the run: the file, the pack, and its default model (strategy, policies, features). */
export interface RunPack extends LoadedPack {
  spec: ModelSpec;
}

/** Load the pack by namespace (default DEFAULT_RUN_PACK); a bad name is bad input naming `--pack` and the choices. */
export function resolveRunPack(namespace: string | undefined, dir: string = PACKS_DIR): RunPack {
  const ns = namespace ?? DEFAULT_RUN_PACK;
  let hit: LoadedPack;
  try {
    hit = findPack(ns, dir);
  } catch (err) {
    if (isTradepilotError(err) && err.code === 'NOT_FOUND') {
      throw new BadInputError(`--pack: no pack "${ns}"; packs: ${loadPacks(dir).map((p) => p.pack.namespace).join(', ')}`);
    }
    throw err;
  }
  if (hit.pack.timeframe !== '1d') throw new BadInputError(`--pack: ${ns} trades ${hit.pack.timeframe} bars; tradepilot run trains on daily bars (choose a 1d pack)`);
  if (!hit.pack.instruments.supported.includes('stock')) throw new BadInputError(`--pack: ${ns} does not trade stocks; tradepilot run places stock orders`);
  const spec = defaultModelSpec(hit.pack, `${hit.pack.namespace}-run`);
  // The run trades the stock form of the pack on every symbol of the universe.
  return { ...hit, spec: { ...spec, instrument: 'stock', settings: hit.pack.instruments.settings.stock ?? { ticker: spec.data.symbol, position_type: 'long', share_size: 0 } } };
}
