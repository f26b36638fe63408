import { DataError } from '../errors.ts';
import { yearOf } from '../util/dates.ts';
import type { Panel, SeasonSpan } from './panel.ts';

/**
 * Who is in the universe on which day: the universe contract's rows turned into the panel's
 * membership mask and season spans.
 *
 * - `pinned`: one season's members for the whole window (their dates, if any, are not used);
 * - `rolling`: each trading day belongs to the season equal to its calendar year; a symbol is a
 *   member that day when that season lists it and the day lies within its optional
 *   `start_date … end_date` (inclusive; empty = open). Its peer group is that season's.
 *
 * 1. The panel's columns are every symbol any of the seasons lists (`universeColumns`), shown with
 *    the peer group and name of the latest season that lists it.
 * 2. `applyUniverse` fills `member` (bars × n) and one season span per run of bars in the same season,
 *    with the season's shares outstanding per symbol when its rows give them (optional column
 *    `shares_outstanding`, for `--impact almgren`).
 */
export type UniverseMode = 'pinned' | 'rolling';

/** One row of the universe contract (days are day numbers; null: open). */
export interface UniverseRow {
  readonly season: number;
  readonly symbol: string;
  readonly peer_group: string;
  readonly name?: string | null;
  readonly start_day?: number | null;
  readonly end_day?: number | null;
  /** Shares outstanding in the season (optional; positive). */
  readonly shares_outstanding?: number | null;
}

/** A shares_outstanding value as a source gave it: null when missing, else a positive number or bad input naming `where`. */
export function checkedShares(value: unknown, where: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const v = typeof value === 'string' ? Number(value) : value;
  if (typeof v === 'number' && v > 0 && v < Infinity) return v;
  throw new DataError(`${where}: shares_outstanding ${String(value)} (must be a positive number, or missing)`, 'E_BAD_UNIVERSE');
}

/** Shares outstanding per column from one season's rows, or undefined when none gives them. */
function seasonShares(rows: readonly UniverseRow[], season: number, column: ReadonlyMap<string, number>, n: number): Float64Array | undefined {
  let shares: Float64Array | undefined;
  for (const r of rows) {
    const i = column.get(r.symbol);
    if (r.season !== season || i === undefined || r.shares_outstanding == null) continue;
    shares ??= new Float64Array(n).fill(NaN);
    shares[i] = r.shares_outstanding;
  }
  return shares;
}

/** A column of the panel: a member of the universe (or an extra symbol read beside it). */
export interface Member {
  readonly symbol: string;
  /** null: a column outside the universe (a benchmark symbol read beside it). */
  readonly peer_group: string | null;
  readonly name?: string | null;
}

/**
 * The panel's columns: each symbol once, sorted, with the peer group and name of the latest season
 * that lists it (of a season that lists it twice, the last row: the one its peer groups and shares take).
 */
export function universeColumns(rows: readonly UniverseRow[]): Member[] {
  const latest = new Map<string, UniverseRow>();
  for (const r of rows) {
    const held = latest.get(r.symbol);
    if (!held || r.season >= held.season) latest.set(r.symbol, r);
  }
  return [...latest.values()]
    .map((r) => ({ symbol: r.symbol, peer_group: r.peer_group, name: r.name ?? '' }))
    .sort(bySymbol);
}

/** Columns in code-point order of their symbols. */
function bySymbol(a: Member, b: Member): number {
  // Stryker disable next-line EqualityOperator: equivalent, no two columns share a symbol (one per symbol, extras filtered against them; a repeated extra gives identical columns), so `<` and `<=` order alike
  if (a.symbol < b.symbol) return -1;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, without ties only a > b gets here, and V8's sort reads nothing but whether the result is below 0, so 1 and 0 order alike
  return a.symbol > b.symbol ? 1 : 0;
}

/** The universe's columns and the extra symbols not among them (no peer group: never members), sorted. */
export function withExtra(members: Member[], extra: readonly string[] = []): Member[] {
  const have = new Set(members.map((m) => m.symbol));
  const more = extra.filter((s) => !have.has(s)).map((symbol) => ({ symbol, peer_group: null, name: '' }));
  if (!more.length) return members;
  return [...members, ...more].sort(bySymbol);
}

/** Every peer group name the rows use, for the panel's `groups`. */
export function universeGroups(rows: readonly UniverseRow[]): string[] {
  return [...new Set(rows.map((r) => r.peer_group))];
}

/**
 * The panel with its membership: pinned, every column the season lists is a member on every bar
 * (a column it does not list — a benchmark symbol read beside the universe — never is); rolling,
 * as the module's outline says. The arrays are the panel's own (filled in place); the returned
 * object differs only in `seasons`.
 */
export function applyUniverse(panel: Panel, rows: readonly UniverseRow[], mode: UniverseMode, pinnedSeason: number): Panel {
  const n = panel.symbols.length;
  const bars = panel.days.length;
  const column = new Map(panel.symbols.map((s, i) => [s, i]));
  const groupIndex = new Map(panel.groups.map((g, k) => [g, k]));
  const { member } = panel;
  if (mode === 'pinned') {
    const listed = new Uint8Array(n);
    const groupOf = new Int32Array(n).fill(-1);
    for (const r of rows) {
      const i = column.get(r.symbol);
      // Stryker disable next-line ConditionalExpression: equivalent, a row of a symbol outside the columns writes at index undefined, which typed arrays ignore
      if (i === undefined || r.season !== pinnedSeason) continue;
      listed[i] = 1;
      groupOf[i] = groupIndex.get(r.peer_group)!;
    }
    for (let t = 0; t < bars; t++) member.set(listed, t * n);
    const shares = seasonShares(rows, pinnedSeason, column, n);
    return { ...panel, seasons: [{ season: pinnedSeason, firstBar: 0, groupOf, ...(shares ? { shares } : {}) }] };
  }
  const bySeason = new Map<number, UniverseRow[]>();
  for (const r of rows) {
    // Stryker disable next-line ConditionalExpression: equivalent, as in the pinned case: its writes would go to index undefined
    if (!column.has(r.symbol)) continue;
    let list = bySeason.get(r.season);
    // Stryker disable next-line ArrayDeclaration: equivalent, a stray non-row element writes at index undefined (ignored by the member flags; a non-index property of groupOf nothing reads)
    if (!list) bySeason.set(r.season, (list = []));
    list.push(r);
  }
  member.fill(0);
  const seasons: SeasonSpan[] = [];
  for (let t = 0; t < bars; ) {
    const season = yearOf(panel.days[t]!);
    let end = t;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, past the last bar the day is undefined, whose year matches no season
    while (end < bars && yearOf(panel.days[end]!) === season) end++;
    const groupOf = new Int32Array(n).fill(-1);
    // Stryker disable next-line ArrayDeclaration: equivalent, as above: a stray non-row element writes at index undefined
    for (const r of bySeason.get(season) ?? []) {
      const i = column.get(r.symbol)!;
      groupOf[i] = groupIndex.get(r.peer_group)!;
      for (let b = t; b < end; b++) {
        const day = panel.days[b]!;
        if ((r.start_day == null || day >= r.start_day) && (r.end_day == null || day <= r.end_day)) member[b * n + i] = 1;
      }
    }
    const shares = seasonShares(rows, season, column, n);
    seasons.push({ season, firstBar: t, groupOf, ...(shares ? { shares } : {}) });
    t = end;
  }
  return { ...panel, seasons };
}

/**
 * A rolling universe needs every season its trading days (start … end) fall in: the missing ones,
 * ascending. Before start the seasons do not matter: the first decision fills on start's day.
 */
export function missingSeasons(panel: Panel, startDay: number, endDay: number, rows: readonly UniverseRow[]): number[] {
  const have = new Set(rows.map((r) => r.season));
  const missing = new Set<number>();
  for (let t = 0; t < panel.days.length; t++) {
    const day = panel.days[t]!;
    if (day < startDay || day > endDay) continue;
    const y = yearOf(day);
    if (!have.has(y)) missing.add(y);
  }
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: equivalent, the days ascend, so the years arrive in order (the sort is a guard; `a + b` is always positive, which keeps that order)
  return [...missing].sort((a, b) => a - b);
}

/** Bad input (exit 2): the seasons a rolling run lacks, and those `where` has. */
export function missingSeasonsError(missing: readonly number[], where: string, existing: readonly number[]): DataError {
  return new DataError(
    `--universe rolling: ${where} has no universe for season${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the range trades in ` +
      `(seasons there: ${existing.join(', ') || 'none'}); add ${missing.length > 1 ? 'them' : 'it'}, shorten the range, or pin one season (--universe pinned)`,
    'E_NO_SEASON',
  );
}
