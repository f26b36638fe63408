import { statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { builtinStrategies, loadStrategy } from '../strategy/registry.ts';
import type { Strategy } from '../strategy/types.ts';
import { shown } from './job-schema.ts';
import { strategyDigest, type RunDescriptor } from './payload.ts';

/**
 * The strategies a worker runs: the built-ins, and the files it was given on its own command line
 * (`backtest worker --strategy PATH`, repeatable) — never a module a job names.
 *
 * 1. At start, before anything is imported, each allowed file's sha256 is computed (the built-ins'
 *    too); then the `--strategy` files are imported once, so a file that is not a strategy stops
 *    the worker at start (exit 2) rather than at its first job.
 * 2. A job's strategy is only looked up in this list — a built-in by name, a file by its absolute
 *    path as the coordinator resolved it — and never opened, imported or even looked at on disk
 *    when it is not in the list: the job is refused, naming what the worker runs.
 * 3. An allowed strategy must have the job's sha256 (the one computed at start), and its file must
 *    still have it (re-read, so an edited file is refused until the worker restarts);
 *    only then is it imported (a built-in once per process; a file was imported at start), and the
 *    run's threads import the same allowed file.
 */
export interface AllowedStrategy {
  /** A built-in's name, or an allowed file's absolute path: what the run's threads load. */
  readonly source: string;
  readonly builtin: boolean;
  readonly digest: string;
}

/** A job's strategy that this worker does not run: the reason, for a refusal. */
export class StrategyNotAllowed extends Error {}

interface Entry extends AllowedStrategy {
  loaded?: Promise<Strategy>;
}

export class AllowedStrategies {
  private readonly builtins: ReadonlyMap<string, Entry>;
  private readonly files: ReadonlyMap<string, Entry>;

  private constructor(builtins: Map<string, Entry>, files: Map<string, Entry>) {
    this.builtins = builtins;
    this.files = files;
  }

  /**
   * The built-ins and `--strategy` files (`specs`: paths, relative to `cwd`, or built-in names),
   * hashed, then the files imported; a path that is not a strategy file is a `UsageError`.
   */
  static async open(specs: readonly string[], cwd = process.cwd()): Promise<AllowedStrategies> {
    const builtins = new Map<string, Entry>();
    for (const name of builtinStrategies()) builtins.set(name, { source: name, builtin: true, digest: strategyDigest({ source: name, builtin: true }) });
    const files = new Map<string, Entry>();
    for (const spec of specs) {
      const isPath = spec.includes('/') || spec.includes('\\') || extname(spec) !== '';
      if (!isPath) {
        if (!builtins.has(spec)) throw new UsageError(`--strategy ${spec}: not a built-in strategy (${[...builtins.keys()].join(', ')}) nor a path to a strategy file`, 'E_UNKNOWN_STRATEGY');
        continue; // built-ins are always allowed
      }
      const file = isAbsolute(spec) ? spec : resolve(cwd, spec);
      if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`--strategy ${spec}: no such file`, 'E_UNKNOWN_STRATEGY');
      files.set(file, { source: file, builtin: false, digest: strategyDigest({ source: file, builtin: false }) });
    }
    for (const entry of files.values()) {
      entry.loaded = Promise.resolve((await loadStrategy(entry.source)).strategy);
    }
    return new AllowedStrategies(builtins, files);
  }

  /** The `--strategy` files, for the worker's start line. */
  get paths(): string[] {
    return [...this.files.keys()];
  }

  /**
   * The strategy a run names, loaded, when this worker runs it with the run's content; else
   * `StrategyNotAllowed` saying why. The run's path is compared, never opened.
   */
  async resolve(named: RunDescriptor['strategy']): Promise<{ allowed: AllowedStrategy; strategy: Strategy }> {
    const entry = (named.builtin ? this.builtins : this.files).get(named.source);
    if (!entry) {
      const runs = `this worker runs the built-ins${this.files.size ? ` and ${this.paths.join(', ')}` : ''}`;
      throw new StrategyNotAllowed(named.builtin
        ? `it has no built-in strategy ${shown(named.source)}; ${runs}`
        : `strategy file ${shown(named.source)} is not one it was started with; ${runs} (start it with --strategy ${shown(named.source)} to run it)`);
    }
    if (entry.digest !== named.digest) {
      throw new StrategyNotAllowed(`its copy of strategy ${entry.source} differs from the coordinator's (${entry.digest}, the run's ${named.digest})`);
    }
    let now: string;
    try {
      now = strategyDigest(entry);
    } catch (err) {
      throw new StrategyNotAllowed(`cannot read strategy ${entry.source} again (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); restart the worker`);
    }
    if (now !== entry.digest) throw new StrategyNotAllowed(`strategy ${entry.source} changed since the worker started (${now}, then ${entry.digest}); restart the worker to run the new version`);
    entry.loaded ??= loadStrategy(entry.source).then((s) => s.strategy);
    return { allowed: { source: entry.source, builtin: entry.builtin, digest: entry.digest }, strategy: await entry.loaded };
  }
}
