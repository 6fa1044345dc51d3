/**
 * `data/final/`: processed training CSVs, all concatenated with every column kept (union of
 * headers; a column a file lacks is NaN or ''). Empty or corrupt files are logged and skipped,
 * never fatal: one bad export must not stop a training run. Without CSVs there, the bundled
 * sample data fills the table (see sampleDatasets.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { sampleFinalTable } from './sampleDatasets.ts';

/** Concatenated rows of every readable file; numeric columns as Float64Array, text as string[]. */
export interface FinalTable {
  columns: string[];
  numeric: Map<string, Float64Array>;
  text: Map<string, string[]>;
  rows: number;
  /** Files that were read (or `sample:` names when the bundled data filled in). */
  files: string[];
  /** Files skipped, with the reason. */
  skipped: { file: string; reason: string }[];
}

/** Where skipped files are reported (the CLI passes its logger). */
export type SkipLogger = (file: string, reason: string) => void;

interface RawFile {
  header: string[];
  cells: string[][];
}

/** Parses one CSV text (no quoted commas in processed exports); throws with the line of the first problem. */
export function parseFinalCsv(text: string, source: string): RawFile {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new BadInputError(`${source}: empty file`);
  const header = lines[0]!.split(',').map((s) => s.trim().toLowerCase());
  if (header.some((h) => h === '')) throw new BadInputError(`${source} line 1: empty column name`);
  if (new Set(header).size !== header.length) throw new BadInputError(`${source} line 1: duplicate column name`);
  if (lines.length === 1) throw new BadInputError(`${source}: header only, no rows`);
  const cells: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const row = lines[i]!.split(',').map((s) => s.trim());
    if (row.length !== header.length) throw new BadInputError(`${source} line ${i + 1}: ${row.length} cells, header has ${header.length}`);
    cells.push(row);
  }
  return { header, cells };
}

const isNumberCell = (s: string): boolean => s === '' || s.toLowerCase() === 'nan' || Number.isFinite(Number(s));

/** Concatenates parsed files into one table (columns in first-seen order). */
export function concatFinal(files: readonly { name: string; file: RawFile }[]): Omit<FinalTable, 'skipped'> {
  const columns: string[] = [];
  for (const { file } of files) for (const h of file.header) if (!columns.includes(h)) columns.push(h);
  const rows = files.reduce((s, f) => s + f.file.cells.length, 0);
  const numericCol = new Map<string, boolean>(columns.map((c) => [c, true]));
  for (const { file } of files) {
    file.header.forEach((h, k) => {
      if (!numericCol.get(h)) return;
      for (const r of file.cells) if (!isNumberCell(r[k]!)) return void numericCol.set(h, false);
    });
  }
  const numeric = new Map<string, Float64Array>();
  const text = new Map<string, string[]>();
  for (const c of columns) {
    if (numericCol.get(c)) numeric.set(c, new Float64Array(rows).fill(NaN));
    else text.set(c, new Array<string>(rows).fill(''));
  }
  let off = 0;
  for (const { file } of files) {
    file.header.forEach((h, k) => {
      const num = numeric.get(h);
      const txt = text.get(h);
      file.cells.forEach((r, i) => {
        const v = r[k]!;
        if (num) num[off + i] = v === '' ? NaN : Number(v);
        else txt![off + i] = v;
      });
    });
    off += file.cells.length;
  }
  return { columns, numeric, text, rows, files: files.map((f) => f.name) };
}

/**
 * Reads every `*.csv` in `dir` (sorted by name) into one table. Unreadable, empty or ragged
 * files are passed to `onSkip` and left out. When the directory is missing or holds no CSV,
 * the bundled sample data is used; when it holds CSVs but none is readable, that is an error.
 */
export function loadFinalData(dir: string, onSkip: SkipLogger = () => {}): FinalTable {
  const names = existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.csv')).sort() : [];
  if (names.length === 0) return { ...sampleFinalTable(), skipped: [] };
  const good: { name: string; file: RawFile }[] = [];
  const skipped: FinalTable['skipped'] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      good.push({ name: basename(path), file: parseFinalCsv(readFileSync(path, 'utf8'), path) });
    } catch (e) {
      const reason = (e as Error).message;
      skipped.push({ file: path, reason });
      onSkip(path, reason);
    }
  }
  if (good.length === 0) throw new BadInputError(`${dir}: none of the ${names.length} CSV file(s) could be read (first: ${skipped[0]!.reason})`);
  return { ...concatFinal(good), skipped };
}
