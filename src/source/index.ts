import type { SourceConfig } from '../config/run-config.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import { LocalSource, type LocalSourceOptions } from './local/local-source.ts';
import { SupabaseSource, type SupabaseSourceOptions } from './supabase/supabase-source.ts';
import type { DataSource } from './types.ts';

export type { DataSource, LoadedWindow, SourceInfo, WindowRequest } from './types.ts';
export type { ProgressReporter } from './supabase/supabase-source.ts';

/** The data source a run reads from; a Supabase source reads through the run's one client. */
export function openSource(config: SourceConfig, supabase?: SupabaseRest, options: SupabaseSourceOptions & LocalSourceOptions = {}): DataSource {
  if (config.kind === 'local') return new LocalSource(config.dir, { progress: options.progress, admit: options.admit });
  if (!supabase) throw new Error('a Supabase source needs the run\'s SupabaseRest');
  return new SupabaseSource(supabase, options);
}
