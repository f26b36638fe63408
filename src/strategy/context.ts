import type { StrategyContext, SupabaseLike } from './types.ts';

export type { SupabaseLike };

/** Fresh context for one variant's run. `warnings` collects what `warn` was told, once each. */
export function createContext(supabase: SupabaseLike | undefined, data?: unknown): StrategyContext & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return {
    supabase,
    data,
    state: {},
    warnings,
    warn(message: string) {
      if (!warnings.includes(message)) warnings.push(message);
    },
  };
}
