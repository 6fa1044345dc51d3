import { fileURLToPath } from 'node:url';

/** The official packs shipped with tradepilot (apart from the loader so the CLI names it without loading the pack schema). */
export const PACKS_DIR = fileURLToPath(new URL('../../../packs/', import.meta.url));
