import { BacktestError, StrategyError } from '../errors.ts';
import type { Panel } from '../panel/panel.ts';
import type { Strategy, SupabaseLike } from './types.ts';

/** The strategy's one-time setup (bulk reads through the run's Supabase client), with a clear error if it fails. */
export async function runSetup(strategy: Strategy, panel: Panel, supabase: SupabaseLike | undefined, warnings: string[]): Promise<unknown> {
  if (!strategy.setup) return undefined;
  try {
    return await strategy.setup({
      supabase, symbols: panel.symbols, groups: panel.groups, groupOf: panel.groupOf, dates: panel.dates,
      warn: (m) => { if (!warnings.includes(m)) warnings.push(m); },
    });
  } catch (err) {
    if (err instanceof BacktestError) throw err;
    throw new StrategyError(`strategy ${strategy.name} failed in setup: ${(err as Error).message}`, { cause: err });
  }
}

