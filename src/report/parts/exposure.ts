import { query } from '../../inspect/index.ts';
import { MAX_POINTS, thinColumns } from '../series.ts';
import { nullable, type DailyColumns, type PartContext } from './context.ts';

/**
 * What the book held, for the detail variant:
 * 1. gross, net, long and short exposure as fractions of each day's equity (equity.csv's long ≥ 0 and
 *    short ≤ 0 in currency ÷ equity; gross = long − short, net = long + short) and the number of positions;
 * 2. long and short by peer group (exposure.csv, already fractions of equity), the 10 largest groups by
 *    mean gross exposure and the rest summed as one;
 * 3. turnover per fill day (trades.csv): Σ |notional| / 2 ÷ that day's equity — one-way, as
 *    summary.csv's turnover counts it — by the trades' reason (rebalance, delisted, universe, margin,
 *    ruin). The first day builds the book (summary.csv's turnover leaves it out; here it is shown).
 */
export const GROUPS_SHOWN = 10;
export const OTHER_GROUPS = '(other groups)';

export interface ExposurePart {
  readonly label: string;
  readonly dates: readonly string[];
  readonly gross: ReadonlyArray<number | null>;
  readonly net: ReadonlyArray<number | null>;
  readonly long: ReadonlyArray<number | null>;
  readonly short: ReadonlyArray<number | null>;
  readonly positions: ReadonlyArray<number | null>;
  readonly groups: { readonly dates: readonly string[]; readonly names: readonly string[]; readonly long: ReadonlyArray<ReadonlyArray<number | null>>; readonly short: ReadonlyArray<ReadonlyArray<number | null>> } | null;
  readonly turnover: { readonly dates: readonly string[]; readonly reasons: readonly string[]; readonly values: ReadonlyArray<ReadonlyArray<number>>; readonly bucket: number } | null;
}

export async function exposurePart(ctx: PartContext, detail: DailyColumns, label: string, hasTrades: boolean): Promise<ExposurePart> {
  const { dates, equity } = detail;
  const share = (x: Float64Array) => nullable(x.map((v, k) => (equity[k]! > 0 ? v / equity[k]! : NaN)));
  const book = thinColumns(dates, {
    gross: share(detail.long.map((l, k) => l - detail.short[k]!)),
    net: share(detail.long.map((l, k) => l + detail.short[k]!)),
    long: share(detail.long),
    short: share(detail.short),
    positions: nullable(detail.positions),
  }, 'last');
  if (!(ctx.tables.columns.equity ?? []).includes('long')) ctx.notes.push('equity.csv has no long and short columns (a run from before them): no exposure chart');
  const groups = ctx.tables.present.includes('exposure') ? await peerGroups(ctx, detail) : null;
  if (!groups) ctx.notes.push('no exposure.csv (a run from before it was written): no exposure by peer group');
  const turnover = hasTrades ? await turnoverPerDay(ctx, detail) : null;
  const v = book.values;
  return { label, dates: book.dates, gross: v.gross!, net: v.net!, long: v.long!, short: v.short!, positions: v.positions!, groups, turnover };
}

async function peerGroups(ctx: PartContext, detail: DailyColumns): Promise<ExposurePart['groups']> {
  const r = await query(ctx.tables, `SELECT date, peer_group, long, short FROM exposure WHERE variant = ${detail.variant}`);
  const day = new Map(detail.dates.map((d, k) => [d, k]));
  const n = detail.dates.length;
  const byGroup = new Map<string, { long: Float64Array; short: Float64Array; gross: number }>();
  for (const [date, group, long, short] of r.rows as [string, string | null, number | null, number | null][]) {
    const k = day.get(date);
    if (k === undefined) continue;
    const name = group ?? '(no group)';
    let g = byGroup.get(name);
    if (!g) byGroup.set(name, (g = { long: new Float64Array(n), short: new Float64Array(n), gross: 0 }));
    g.long[k]! += long ?? 0;
    g.short[k]! += short ?? 0;
    g.gross += (long ?? 0) - (short ?? 0);
  }
  if (!byGroup.size) return null;
  const ranked = [...byGroup].sort((a, b) => b[1].gross - a[1].gross || a[0].localeCompare(b[0]));
  const shown = ranked.slice(0, GROUPS_SHOWN);
  const rest = ranked.slice(GROUPS_SHOWN);
  if (rest.length) {
    const other = { long: new Float64Array(n), short: new Float64Array(n), gross: 0 };
    for (const [, g] of rest) for (let k = 0; k < n; k++) { other.long[k]! += g.long[k]!; other.short[k]! += g.short[k]!; }
    shown.push([OTHER_GROUPS, other]);
  }
  const columns: Record<string, (number | null)[]> = {};
  shown.forEach(([, g], i) => { columns[`l${i}`] = Array.from(g.long); columns[`s${i}`] = Array.from(g.short); });
  const thin = thinColumns(detail.dates, columns, 'last');
  return {
    dates: thin.dates,
    names: shown.map(([name]) => name),
    long: shown.map((_, i) => thin.values[`l${i}`]!),
    short: shown.map((_, i) => thin.values[`s${i}`]!),
  };
}

const REASONS = ['rebalance', 'universe', 'delisted', 'margin', 'ruin'];

async function turnoverPerDay(ctx: PartContext, detail: DailyColumns): Promise<ExposurePart['turnover']> {
  const reason = (ctx.tables.columns.trades ?? []).includes('reason') ? 'reason' : 'NULL';
  const r = await query(ctx.tables, `SELECT date, ${reason} AS reason, sum(notional) AS notional FROM trades WHERE variant = ${detail.variant} GROUP BY 1, 2 ORDER BY 1`);
  if (!r.rows.length) return null;
  const day = new Map(detail.dates.map((d, k) => [d, k]));
  const seen = new Set<string>();
  const perDay = new Map<string, Map<string, number>>();
  for (const [date, reason, notional] of r.rows as [string, string | null, number | null][]) {
    const k = day.get(date);
    const e = k === undefined ? NaN : detail.equity[k]!;
    if (!(e > 0)) continue;
    const why = reason ?? 'rebalance';
    seen.add(why);
    let m = perDay.get(date);
    if (!m) perDay.set(date, (m = new Map()));
    m.set(why, (m.get(why) ?? 0) + (notional ?? 0) / 2 / e);
  }
  const reasons = [...REASONS.filter((x) => seen.has(x)), ...[...seen].filter((x) => !REASONS.includes(x)).sort()];
  let dates = [...perDay.keys()];
  let values = reasons.map((why) => dates.map((d) => perDay.get(d)!.get(why) ?? 0));
  // Past MAX_POINTS fill days, consecutive days are summed into equal buckets (shown at the bucket's last day).
  const bucket = Math.ceil(dates.length / MAX_POINTS);
  if (bucket > 1) {
    const sums = values.map(() => [] as number[]);
    const bucketDates: string[] = [];
    for (let start = 0; start < dates.length; start += bucket) {
      const end = Math.min(dates.length, start + bucket);
      bucketDates.push(dates[end - 1]!);
      values.forEach((v, i) => sums[i]!.push(v.slice(start, end).reduce((s, x) => s + x, 0)));
    }
    dates = bucketDates;
    values = sums;
    ctx.notes.push(`turnover: ${bucket} consecutive fill days summed into each bar`);
  }
  return { dates, reasons, values, bucket };
}
