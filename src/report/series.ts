/**
 * Pure transforms from a run's tables to what the report's charts draw: aligned daily series,
 * their downsampling, monthly returns, a trailing mean, and the cells of a parameter heat map.
 */

/** Points per series above which daily series are thinned (keeps a 20-year run's page small). */
export const MAX_POINTS = 2000;

/** Series on one date axis: `values[s][k]` is series s on `dates[k]` (null where it has no row). */
export interface AlignedSeries {
  readonly dates: readonly string[];
  readonly values: ReadonlyArray<ReadonlyArray<number | null>>;
}

/** Aligns per-series (date → value) maps on the sorted union of their dates. */
export function alignSeries(series: ReadonlyArray<ReadonlyMap<string, number | null>>): AlignedSeries {
  const dates = [...new Set(series.flatMap((s) => [...s.keys()]))].sort();
  return { dates, values: series.map((s) => dates.map((d) => s.get(d) ?? null)) };
}

/**
 * Thins series to at most `max` points: dates are cut into equal buckets of consecutive days, each
 * shown at its last date with, per series, its last value (`pick: 'last'`, for levels such as
 * equity) or its lowest value (`pick: 'min'`, for drawdowns: the worst point stays visible).
 */
export function downsample(s: AlignedSeries, pick: 'last' | 'min', max = MAX_POINTS): AlignedSeries & { readonly bucket: number } {
  const n = s.dates.length;
  if (n <= max) return { ...s, bucket: 1 };
  const bucket = Math.ceil(n / max);
  const dates: string[] = [];
  const values: (number | null)[][] = s.values.map(() => []);
  for (let start = 0; start < n; start += bucket) {
    const end = Math.min(n, start + bucket);
    dates.push(s.dates[end - 1]!);
    s.values.forEach((series, k) => {
      if (pick === 'last') {
        values[k]!.push(series[end - 1] ?? null);
        return;
      }
      let low: number | null = null;
      for (let i = start; i < end; i++) {
        const v = series[i];
        if (v !== null && v !== undefined && (low === null || v < low)) low = v;
      }
      values[k]!.push(low);
    });
  }
  return { dates, values, bucket };
}

/** Monthly returns: Π(1 + daily return) − 1 over each calendar month's trading days. */
export interface MonthlyReturns {
  readonly years: readonly number[];
  /** [month 0–11, index into years, return] for each month with a return. */
  readonly cells: ReadonlyArray<readonly [number, number, number]>;
}

export function monthlyReturns(dates: readonly string[], returns: ReadonlyArray<number | null>): MonthlyReturns {
  const growth = new Map<string, number>();
  dates.forEach((d, k) => {
    const r = returns[k];
    if (r === null || r === undefined || !Number.isFinite(r)) return;
    const month = d.slice(0, 7);
    growth.set(month, (growth.get(month) ?? 1) * (1 + r));
  });
  const years = [...new Set([...growth.keys()].map((m) => Number(m.slice(0, 4))))].sort((a, b) => a - b);
  const cells = [...growth].map(([m, g]) => [Number(m.slice(5, 7)) - 1, years.indexOf(Number(m.slice(0, 4))), g - 1] as const);
  return { years, cells };
}

/**
 * Trailing mean over the last `window` values that are numbers (nulls are passed over); null until
 * `minCount` values have been seen.
 */
export function trailingMean(values: ReadonlyArray<number | null>, window: number, minCount = 1): (number | null)[] {
  const seen: number[] = [];
  return values.map((v) => {
    if (v !== null && Number.isFinite(v)) seen.push(v);
    const last = seen.slice(-window);
    return last.length >= minCount ? last.reduce((s, x) => s + x, 0) / last.length : null;
  });
}

/** Distinct values of a parameter in display order: numbers ascending, otherwise text order. */
export function axisValues(values: readonly unknown[]): (string | number | boolean)[] {
  const distinct = [...new Set(values.filter((v) => v !== null && v !== undefined))] as (string | number | boolean)[];
  if (distinct.every((v) => typeof v === 'number')) return (distinct as number[]).sort((a, b) => a - b);
  return distinct.sort((a, b) => String(a).localeCompare(String(b)));
}

/** A heat map cell: [x index, y index, metric value, variant]. */
export type GridCell = readonly [number, number, number | null, number];

/**
 * One cell per (x, y) pair present: the first row of `ranked` with those values — the best variant
 * there when other parameters vary too.
 */
export function gridCells(ranked: ReadonlyArray<Readonly<Record<string, unknown>>>, x: string, y: string, metric: string): { xValues: (string | number | boolean)[]; yValues: (string | number | boolean)[]; cells: GridCell[] } {
  const xValues = axisValues(ranked.map((r) => r[x]));
  const yValues = axisValues(ranked.map((r) => r[y]));
  const cells = new Map<string, GridCell>();
  for (const row of ranked) {
    const xi = xValues.indexOf(row[x] as never), yi = yValues.indexOf(row[y] as never);
    const key = `${xi},${yi}`;
    if (xi < 0 || yi < 0 || cells.has(key)) continue;
    const v = row[metric];
    cells.set(key, [xi, yi, typeof v === 'number' && Number.isFinite(v) ? v : null, Number(row.variant)]);
  }
  return { xValues, yValues, cells: [...cells.values()] };
}

/** Named daily series on one date axis (null where a day has no value). */
export type Columns = Readonly<Record<string, ReadonlyArray<number | null>>>;

/**
 * Thins several named series on one date axis alike (downsample, by the same buckets), keeping
 * their names: `{ dates, bucket, values: { name: thinned } }`.
 */
export function thinColumns(dates: readonly string[], columns: Columns, pick: 'last' | 'min', max = MAX_POINTS): { dates: readonly string[]; bucket: number; values: Columns } {
  const names = Object.keys(columns);
  const thin = downsample({ dates, values: names.map((n) => columns[n]!) }, pick, max);
  return { dates: thin.dates, bucket: thin.bucket, values: Object.fromEntries(names.map((n, k) => [n, thin.values[k]!])) };
}

/** A histogram: `counts[k]` values fell in [edges[k], edges[k + 1]) (the last bin includes its upper edge). */
export interface Histogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/**
 * Equal-width histogram of the finite values over [min, max] in `bins` bins (default ⌈√n⌉, within
 * 10–60); one bin of width 0 when every value is the same; null without values.
 *
 * @example histogram([0, 1, 2, 3], 2) // { edges: [0, 1.5, 3], counts: [2, 2] }
 */
export function histogram(values: ArrayLike<number | null>, bins?: number): Histogram | null {
  let lo = Infinity, hi = -Infinity, n = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    n++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!n) return null;
  if (lo === hi) return { edges: [lo, hi], counts: [n] };
  const b = bins ?? Math.min(60, Math.max(10, Math.ceil(Math.sqrt(n))));
  const width = (hi - lo) / b;
  const edges = Array.from({ length: b + 1 }, (_, k) => (k === b ? hi : lo + k * width));
  const counts = new Array<number>(b).fill(0);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    let bin = Math.min(b - 1, Math.floor((v - lo) / width));
    while (bin > 0 && v < edges[bin]!) bin--; // the edges decide, not the rounding of (v − lo) / width
    while (bin < b - 1 && v >= edges[bin + 1]!) bin++;
    counts[bin]!++;
  }
  return { edges, counts };
}

/** A finite number, or null (NaN, infinities, anything else). */
export function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
