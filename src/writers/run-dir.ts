import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { manifestStatus } from './manifest-file.ts';

/**
 * A run folder written under a temporary name and renamed when complete, so that a run that
 * fails (or is interrupted) never leaves a folder that looks finished.
 */
export class RunDir {
  /** Folders being written now, removed if the process is interrupted. */
  static readonly active = new Set<RunDir>();
  readonly final: string;
  readonly temp: string;
  private done = false;
  private readonly replaces: boolean;

  /** `replacePartial`: a resumed run may overwrite the folder its interrupted attempt left (status `partial`). */
  constructor(parent: string, runId: string, options: { replacePartial?: boolean } = {}) {
    mkdirSync(parent, { recursive: true });
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
