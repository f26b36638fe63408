import { WindowCache } from '../cache/index.ts';
import type { SourceConfig } from '../config/run-config.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import { LocalSource, type LocalSourceOptions } from './local/local-source.ts';
import { SupabaseSource, type SupabaseSourceOptions } from './supabase/supabase-source.ts';
import type { DataSource } from './types.ts';

export type { DataSource, LoadedWindow, SourceInfo, WindowRequest } from './types.ts';
export type { ProgressReporter } from './supabase/supabase-source.ts';

/**
 * The data source a run reads from; a Supabase source reads through the run's one client and,
 * unless `--no-cache`, the local cache of windows (without it, one warning, when its folder
 * cannot be written).
 */
export function openSource(config: SourceConfig, supabase?: SupabaseRest, options: SupabaseSourceOptions & LocalSourceOptions = {}): DataSource {
  if (config.kind === 'local') return new LocalSource(config.dir, { progress: options.progress, admit: options.admit });
  if (!supabase) throw new Error('a Supabase source needs the run\'s SupabaseRest');
  const cache = config.cache ? WindowCache.open({ warn: options.warn }) ?? 'unwritable' : 'off';
  return new SupabaseSource(supabase, { cache, ...options });
}
