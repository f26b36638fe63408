import type { Panel } from '../panel/panel.ts';
import type { UniverseMode } from '../panel/universe.ts';

/**
 * What a run asks a source for: the universe and its prices over the window, warm-up included.
 * `pinned` (the default): `season`'s members; `rolling`: every member of the seasons from start's year
 * to end's, each a member on the days its season (and its dates) say (panel/universe.ts).
 */
export interface WindowRequest {
  readonly season: number;
  readonly universe?: UniverseMode;
  /** Symbols read beside the universe, never members (a benchmark symbol): columns of their own. */
  readonly extraSymbols?: readonly string[];
  readonly startDay: number;
  readonly endDay: number;
  /** Bars of history needed before `startDay` (the strategy's warm-up plus the first decision close). */
  readonly warmupBars: number;
  /** Allocate the panel in SharedArrayBuffers (for worker threads). */
  readonly shared?: boolean;
  /** Also read the borrow(symbol, date, fee_bps) table over the window (`--borrow-table`): the panel's `borrow`. */
  readonly borrow?: boolean;
}

/** Where the data came from, for the manifest. Never holds a secret. */
export interface SourceInfo {
  readonly kind: 'local' | 'supabase';
  /** A folder for local data, the project URL for Supabase. */
  readonly location: string;
  readonly rows: number;
  readonly [detail: string]: unknown;
}

export interface LoadedWindow {
  readonly panel: Panel;
  readonly info: SourceInfo;
}

/** A store of prices and universes: local files read with DuckDB, or Supabase. */
export interface DataSource {
  readonly kind: SourceInfo['kind'];
  /** Seasons that have universe rows, ascending. */
  seasons(): Promise<number[]>;
  /** One read of the whole window into a panel. */
  loadWindow(request: WindowRequest): Promise<LoadedWindow>;
  close(): Promise<void>;
}
