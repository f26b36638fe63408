import type { StrategyContext } from '../api.ts';

/**
 * The part of the run's Supabase client a strategy may use: the supabase-js client bound
 * to the run's one keep-alive pool, request queue and retry policy. A strategy that needs
 * another table queries through it and never opens its own connection.
 */
export interface SupabaseLike {
  /** A `@supabase/supabase-js` client; use `client.from('table').select(…)` as usual. */
  readonly client: unknown;
}

/** Fresh context for one variant's run. `warnings` collects what `warn` was told, once each. */
export function createContext(supabase: SupabaseLike | undefined): StrategyContext & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return {
    supabase,
    state: {},
    warnings,
    warn(message: string) {
      if (!warnings.includes(message)) warnings.push(message);
    },
  };
}
