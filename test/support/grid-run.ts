import type { Params } from '../../src/api.ts';
import { runBacktest, type RunOutcome } from '../../src/app/backtest.ts';
import { constraintProblem } from '../../src/config/params.ts';
import { buildRunConfig, type RunOptions } from '../../src/config/run-config.ts';

/**
 * A run with many variants, made programmatically until `--grid` lands on main: the config is
 * built as the CLI builds it, then its `variants` are replaced by every combination of `grid`
 * over the resolved defaults (combinations breaking a constraint are left out).
 *
 * @example gridRun({ start: '2025-10-07', end: '2026-01-03', strategy: 'vopa', out }, { lookback: [20, 63], top: [5, 10] })
 */
export async function gridRun(options: Omit<RunOptions, 'command'>, grid: Readonly<Record<string, ReadonlyArray<number | string | boolean>>>): Promise<RunOutcome> {
  const config = await buildRunConfig({ command: `backtest ${options.start} ${options.end} (test grid)`, ...options });
  const strategy = config.strategy.strategy;
  let combos: Params[] = [config.variants[0]!];
  for (const [key, values] of Object.entries(grid)) combos = combos.flatMap((base) => values.map((v) => ({ ...base, [key]: v })));
  const variants = combos.filter((p) => !constraintProblem(strategy, p)).map((p) => Object.freeze(p));
  return runBacktest(Object.freeze({ ...config, variants: Object.freeze(variants) }));
}

/** The 90-variant VOPA grid (9 lookbacks × 10 tops) over the README's range of the sample market. */
export const GRID_90 = { lookback: [10, 20, 30, 40, 50, 63, 80, 100, 126], top: [3, 5, 8, 10, 12, 15, 20, 25, 30, 40] } as const;

export function grid90Run(out: string): Promise<RunOutcome> {
  return gridRun({ start: '2025-10-07', end: '2026-01-03', season: '2025', strategy: 'vopa', out }, GRID_90);
}
