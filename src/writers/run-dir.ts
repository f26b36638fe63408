import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
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

/** A run id: UTC time, strategy, and a random suffix so parallel runs never collide. */
export function newRunId(strategy: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const safe = strategy.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  const suffix = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${stamp}-${safe}-${suffix}`;
}
