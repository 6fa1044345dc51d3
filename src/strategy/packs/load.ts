/** Pack files on disk: the official packs in `packs/`, or any directory or file. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NotFoundError } from '../../core/errors.ts';
import type { Pack } from './schema.ts';
import { PACKS_DIR } from './packsDir.ts';
import { parsePack } from './validate.ts';

/** The official packs shipped with tradepilot. */
export { PACKS_DIR };

/** A pack and the file it came from. */
export interface LoadedPack {
  file: string;
  pack: Pack;
}

/** A file name as errors show it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Read and validate one pack file (throws DataError naming the file and YAML path). */
export function loadPackFile(file: string): LoadedPack {
  return { file, pack: parsePack(readFileSync(file, 'utf8'), displayPath(file)) };
}

/** The .yaml/.yml files of a directory (or the file itself), sorted. */
export function packFiles(path: string = PACKS_DIR): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

/** Every pack in a directory; a broken file throws. */
export function loadPacks(dir: string = PACKS_DIR): LoadedPack[] {
  return packFiles(dir).map(loadPackFile);
}

/** The pack with this namespace in `dir`. */
export function findPack(namespace: string, dir: string = PACKS_DIR): LoadedPack {
  const all = loadPacks(dir);
  const hit = all.find((p) => p.pack.namespace === namespace);
  if (!hit) throw new NotFoundError(`no pack "${namespace}"; packs: ${all.map((p) => p.pack.namespace).join(', ')}`);
  return hit;
}
