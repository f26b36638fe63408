import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SAVED_TABLES, type SavedTable } from '../config/run-config.ts';
import { DataError } from '../errors.ts';
import { readManifestFile } from '../writers/manifest-file.ts';

/**
 * Finding a finished run: by id (or a unique prefix of one) in the results folder, by a folder path,
 * or the latest complete run. A run is complete when its folder has its final name, a manifest.json
 * (written last) and `status: "complete"`; anything else is refused with one line saying what the
 * folder is and what to do.
 */

/** What inspect and report read from manifest.json (written by src/writers/results.ts). */
export interface RunManifest {
  readonly run_id: string;
  readonly status: string;
  readonly created_at?: string;
  readonly command?: string;
  readonly strategy?: { readonly name: string; readonly source?: string; readonly builtin?: boolean };
  readonly range?: {
    readonly start: string;
    readonly end: string;
    /** The pinned season (null for a rolling universe). */
    readonly season: number | null;
    readonly first_trading_day: string | null;
    readonly last_trading_day: string | null;
    readonly trading_days: number;
  };
  /** How membership worked (runs from before rolling universes lack it: pinned to range.season). */
  readonly universe?: { readonly mode: 'pinned' | 'rolling'; readonly seasons: readonly number[]; readonly members?: Readonly<Record<string, number>> };
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The metric the run was ranked by (`--rank-by`). */
  readonly rank_by?: string;
  /** The overfitting statistics in brief (the verdict); `{ off: true }` with --no-statistics. */
  readonly statistics?: Readonly<Record<string, unknown>>;
  /** A walk-forward's settings, efficiency and stability (`--walk-forward`, `--holdout`); its folds are folds.csv. */
  readonly walk_forward?: Readonly<Record<string, unknown>>;
  readonly variants?: ReadonlyArray<{ readonly variant: number; readonly params: Readonly<Record<string, unknown>>; readonly warnings?: readonly string[] }>;
  readonly benchmark?: Readonly<Record<string, unknown>>;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly files?: Readonly<Record<string, number>>;
  readonly warnings?: readonly string[];
  readonly error?: unknown;
}

/** A run folder whose manifest has been read and checked. */
export interface RunFolder {
  readonly id: string;
  readonly dir: string;
  readonly manifest: RunManifest;
  /** The per-variant tables the run wrote (`--save`). */
  readonly saved: ReadonlySet<SavedTable>;
}

export interface FindRunOptions {
  /** Parent folder of the run folders (the run's `--out`). */
  readonly out: string;
  readonly cwd?: string | undefined;
  /** Accept a run interrupted after some variants finished (`status: "partial"`). */
  readonly allowPartial?: boolean | undefined;
}

const PARTIAL_FOLDER = /^\.(.+)\.partial$/;

/** The run named by `ref` (an id, a unique id prefix or a folder path), or the latest complete run. */
export function findRun(ref: string | undefined, options: FindRunOptions): RunFolder {
  const parent = resolve(options.cwd ?? process.cwd(), options.out);
  if (ref === undefined || ref === '') return latestRun(parent, options);
  return openRun(locate(ref, parent, options.cwd ?? process.cwd()), options);
}

/** Reads and checks one run folder. */
export function openRun(dir: string, options: Pick<FindRunOptions, 'allowPartial'> = {}): RunFolder {
  const name = basename(dir);
  const partialName = PARTIAL_FOLDER.exec(name);
  if (partialName) throw stillWriting(partialName[1]!, dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(`${dir} is not a run folder`, 'E_RUN_NOT_FOUND');
  const manifest = readManifest(dir);
  const id = manifest.run_id || name;
  if (manifest.status === 'partial' && !options.allowPartial) {
    const finished = manifest.variants?.length ?? 0;
    throw new DataError(`run ${id} is partial: it was interrupted after ${finished} variant(s) finished; pass --partial to look at those, or run it again`, 'E_RUN_PARTIAL');
  }
  if (manifest.status !== 'complete' && manifest.status !== 'partial') {
    const why = typeof manifest.error === 'string' ? `: ${manifest.error}` : '';
    throw new DataError(`run ${id} did not complete (status "${manifest.status}"${why}); there is nothing to look at — run it again`, 'E_RUN_FAILED');
  }
  if (!existsSync(join(dir, 'summary.csv'))) throw new DataError(`run ${id} has a manifest but no summary.csv in ${dir}; the folder was changed after the run — run it again`, 'E_RUN_INCOMPLETE');
  return { id, dir, manifest, saved: savedTables(manifest, dir) };
}

/** `settings.save` of the manifest, or (a run from before it was recorded) the tables whose files are there. */
function savedTables(manifest: RunManifest, dir: string): ReadonlySet<SavedTable> {
  const listed = manifest.settings?.save;
  if (Array.isArray(listed)) return new Set(SAVED_TABLES.filter((t) => listed.includes(t)));
  return new Set(SAVED_TABLES.filter((t) => existsSync(join(dir, `${t}.csv`))));
}

/** The run's `--save` as typed, for messages: `--save none`, `--save equity,trades`. */
export function saveOption(run: RunFolder): string {
  return `--save ${SAVED_TABLES.filter((t) => run.saved.has(t)).join(',') || 'none'}`;
}

function readManifest(dir: string): RunManifest {
  const m = readManifestFile(dir);
  if (m.state === 'missing') {
    throw new DataError(
      `${dir} has no manifest.json, so it is not a complete run (a run writes its manifest last: this one failed or was stopped while writing); run it again`,
      'E_RUN_INCOMPLETE',
    );
  }
  if (m.state === 'broken') throw new DataError(`${m.file} is ${m.reason}; the run folder is damaged — run it again`, 'E_RUN_BROKEN');
  return m.manifest as unknown as RunManifest;
}

/** The folder `ref` names: a path, an id in `parent`, or a unique prefix of one. */
function locate(ref: string, parent: string, cwd: string): string {
  const asPath = resolve(cwd, ref);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  const inParent = join(parent, ref);
  if (existsSync(inParent)) return inParent;
  const id = basename(ref);
  if (existsSync(join(parent, `.${id}.partial`))) throw stillWriting(id, join(parent, `.${id}.partial`));
  if (existsSync(join(dirname(asPath), `.${id}.partial`))) throw stillWriting(id, join(dirname(asPath), `.${id}.partial`));
  const matches = runFolders(parent).filter((name) => name.startsWith(ref));
  if (matches.length === 1) return join(parent, matches[0]!);
  if (matches.length > 1) throw new DataError(`run "${ref}" is ambiguous in ${parent}: ${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}`, 'E_RUN_AMBIGUOUS');
  throw new DataError(`no run "${ref}" in ${parent} (nor a folder of that name); \`backtest inspect\` with no argument takes the latest`, 'E_RUN_NOT_FOUND');
}

/**
 * The complete run created last. Run ids begin with their UTC start time (20261122T100239Z-…), so
 * the folders are tried newest first and the first complete one wins: one manifest read, not one
 * per run, however many runs the folder holds.
 */
function latestRun(parent: string, options: FindRunOptions): RunFolder {
  if (!existsSync(parent)) throw new DataError(`no runs: ${parent} does not exist; run a backtest first (backtest <start> <end>)`, 'E_NO_RUNS');
  const names = runFolders(parent).reverse();
  for (const name of names) {
    try {
      return openRun(join(parent, name), options);
    } catch {
      // incomplete or failed: the next older one
    }
  }
  const writing = readdirSync(parent).filter((n) => PARTIAL_FOLDER.test(n)).length;
  const seen = names.length + writing ? ` (${names.length + writing} incomplete or failed folder(s) there)` : '';
  throw new DataError(`no complete run in ${parent}${seen}; run a backtest first (backtest <start> <end>)`, 'E_NO_RUNS');
}

/** Sub-folders of `parent` that may be runs (not hidden: a run being written starts with a dot). */
function runFolders(parent: string): string[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function stillWriting(id: string, dir: string): DataError {
  return new DataError(
    `run ${id} is not complete: ${dir} is still being written, or its run failed or was killed; wait for it to finish, or run it again`,
    'E_RUN_INCOMPLETE',
  );
}
