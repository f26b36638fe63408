import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { makeFolders } from '../util/folders.ts';
import { manifestStatus } from './manifest-file.ts';

/**
 * A run folder written under a temporary name and renamed when complete, so that a run that
 * fails (or is interrupted) never leaves a folder that looks finished. A run killed outright
 * (SIGKILL, a power cut) cannot remove its `.<run-id>.partial` folder; the next run in the same
 * parent folder removes such folders once they are older than a day (`STALE_PARTIAL_MS`: no run
 * spends a day writing its files, which happens only after its variants ran), and says so in one
 * line. `backtest inspect` lists the ones there (`partialFolders`).
 */
export class RunDir {
  /** Folders being written now, removed if the process is interrupted. */
  static readonly active = new Set<RunDir>();
  readonly final: string;
  readonly temp: string;
  private done = false;
  private readonly replaces: boolean;

  /**
   * `replacePartial`: a resumed run may overwrite the folder its interrupted attempt left (status `partial`).
   * `notice`: told in one line which stale partial folders of the parent were removed.
   */
  constructor(parent: string, runId: string, options: { replacePartial?: boolean; notice?: ((line: string) => void) | undefined; now?: number } = {}) {
    makeFolders(parent);
    removeStalePartials(parent, options.now ?? Date.now(), options.notice);
    this.final = join(parent, runId);
    this.temp = join(parent, `.${runId}.partial`);
    this.replaces = existsSync(this.final);
    if (this.replaces && !(options.replacePartial && isPartial(this.final))) throw new Error(`run folder ${this.final} already exists`);
    if (options.replacePartial) rmSync(this.temp, { recursive: true, force: true }); // left by an attempt killed while writing
    mkdirSync(this.temp);
    RunDir.active.add(this);
  }

  path(file: string): string {
    return join(this.temp, file);
  }

  commit(): string {
    if (this.replaces) {
      // The partial folder steps aside first; until the rename, the old one is still whole.
      const old = `${this.temp}.old`;
      renameSync(this.final, old);
      renameSync(this.temp, this.final);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(this.temp, this.final);
    }
    this.done = true;
    RunDir.active.delete(this);
    return this.final;
  }

  /** Removes the temporary folder of a run that did not complete. */
  discard(): void {
    if (!this.done) rmSync(this.temp, { recursive: true, force: true });
    RunDir.active.delete(this);
  }
}

/** Folders older than this that a run left half-written are removed by the next run in the same parent. */
export const STALE_PARTIAL_MS = 24 * 3_600_000;

/** A folder a run was writing (`.<run-id>.partial`) or stepping aside from (`.<run-id>.partial.old`). */
export interface PartialFolder {
  readonly name: string;
  readonly path: string;
  readonly runId: string;
  /** When it last changed: the newest modification time of the folder and of its files. */
  readonly modified: Date;
  /** Older than a day: its run is dead, and the next run here removes it. */
  readonly stale: boolean;
}

const PARTIAL_NAME = /^\.(.+)\.partial(\.old)?$/;

/** The partial run folders of a parent folder, oldest first. */
export function partialFolders(parent: string, now = Date.now()): PartialFolder[] {
  if (!existsSync(parent)) return [];
  const out: PartialFolder[] = [];
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const m = PARTIAL_NAME.exec(entry.name);
    if (!m || !entry.isDirectory()) continue;
    const path = join(parent, entry.name);
    try {
      let newest = statSync(path).mtimeMs;
      for (const f of readdirSync(path)) newest = Math.max(newest, statSync(join(path, f)).mtimeMs);
      out.push({ name: entry.name, path, runId: m[1]!, modified: new Date(newest), stale: now - newest > STALE_PARTIAL_MS });
    } catch {
      // removed meanwhile (its run finished or discarded it)
    }
  }
  return out.sort((a, b) => a.modified.getTime() - b.modified.getTime());
}

/** Removes the stale partial folders of `parent` (not those this process is writing) and says so in one line. */
function removeStalePartials(parent: string, now: number, notice: ((line: string) => void) | undefined): void {
  const mine = new Set([...RunDir.active].map((d) => d.temp));
  const stale = partialFolders(parent, now).filter((f) => f.stale && !mine.has(f.path));
  const removed: string[] = [];
  for (const f of stale) {
    try {
      rmSync(f.path, { recursive: true, force: true });
      removed.push(f.name);
    } catch {
      // another process may be removing it too; the next run tries again
    }
  }
  if (removed.length) notice?.(`removed ${removed.length} partial run folder(s) older than a day, left by runs that were killed, from ${parent}: ${removed.join(', ')}`);
}

function isPartial(dir: string): boolean {
  return manifestStatus(dir) === 'partial';
}

/**
 * A run id: UTC time, strategy, and 96 random bits (24 hex digits) from the system's CSPRNG, so
 * that no two runs share an id in practice — on a shared queue, where job ids are built from it,
 * either (two runs started in the same second with the same strategy: 1 chance in 2⁹⁶).
 * `BACKTEST_TEST_RUN_ID` replaces it — for tests only (two coordinators given one id).
 *
 * @example newRunId('vopa') // '20261122T100239Z-vopa-3f9a0c41d2e87b5a6c1f0e9d'
 */
export function newRunId(strategy: string, now = new Date(), env: NodeJS.ProcessEnv = process.env): string {
  if (env.BACKTEST_TEST_RUN_ID) return env.BACKTEST_TEST_RUN_ID;
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const safe = strategy.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  return `${stamp}-${safe}-${randomBytes(12).toString('hex')}`;
}
