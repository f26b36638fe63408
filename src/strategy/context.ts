import type { SupabaseClient } from '@supabase/supabase-js';
import type { StrategyContext } from '../api.ts';

/**
 * The part of the run's Supabase client a strategy may use: the supabase-js client bound
 * to the run's one keep-alive pool, request queue and retry policy. A strategy that needs
 * another table queries through it and never opens its own connection.
 *
 * @example
 * const { data } = await ctx.supabase!.run('read fundamentals', ctx.supabase!.client.from('fundamentals').select('symbol,pe'));
 */
export interface SupabaseLike {
  /** A `@supabase/supabase-js` client; use `client.from('table').select(…)` as usual. */
  readonly client: SupabaseClient;
  /** The project URL (never the key). */
  readonly url: string;
  /** Awaits a query built with `client` and returns its rows, or throws a typed error (status, code, message, details, hint). */
  run<T = Record<string, unknown>[]>(what: string, query: PromiseLike<{ data: unknown; error: { message: string; code?: string } | null; count?: number | null; status: number }>): Promise<{ data: T; count: number | null; status: number }>;
}

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
