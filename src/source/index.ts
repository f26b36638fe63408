import type { SourceConfig } from '../config/run-config.ts';
import { LocalSource } from './local/local-source.ts';
import type { DataSource } from './types.ts';

export type { DataSource, LoadedWindow, SourceInfo, WindowRequest } from './types.ts';

/** The data source a run reads from. */
export function openSource(config: SourceConfig): DataSource {
  return new LocalSource(config.dir);
}
