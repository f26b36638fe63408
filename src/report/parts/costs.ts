import { numberOrNull, query, type SummaryRow } from '../../inspect/index.ts';
import { columnsOrNull, type PartContext } from './context.ts';

/**
 * Where the money went (issue 14's columns; README "Costs, liquidity and capacity"):
 * 1. per top variant, its costs by kind (summary.csv's cost_commission, cost_spread, cost_slippage,
 *    cost_impact, cost_borrow: currency over the run) and the cash interest it earned, drawn when some
 *    cost is not 0;
 * 2. per top variant, what its trading cost per unit traded (cost_total_bps) beside its break-even
 *    (break_even_bps: the flat cost per unit of one-way turnover at which its total return would be 0)
 *    and its total return: a variant is profitable after costs exactly when break-even > cost;
 * 3. capacity (capacity.csv: variant, capital, total_return, sharpe, cost_total_bps, unfilled_share)
 *    of the top variants it holds: Sharpe and return against the starting capital, and the share of
 *    what the orders asked that never filled (a participation cap leaves a big book partly in cash,
 *    which can make it look better at size).
 * Parts without values are left out with a note.
 */
export const COST_KINDS = ['cost_commission', 'cost_spread', 'cost_slippage', 'cost_impact', 'cost_borrow'] as const;
export const CAPACITY_VARIANTS = 5;

export interface CostsPart {
  readonly breakdown: { readonly labels: readonly string[]; readonly kinds: readonly string[]; readonly values: ReadonlyArray<ReadonlyArray<number | null>>; readonly interest: ReadonlyArray<number | null> } | null;
  readonly breakEven: { readonly labels: readonly string[]; readonly cost: ReadonlyArray<number | null>; readonly breakEven: ReadonlyArray<number | null>; readonly totalReturn: ReadonlyArray<number | null> } | null;
  readonly capacity: CapacityData | null;
}

export interface CapacityData {
  readonly capitals: readonly number[];
  readonly series: ReadonlyArray<{
    readonly label: string;
    readonly variant: number;
    readonly sharpe: ReadonlyArray<number | null>;
    readonly totalReturn: ReadonlyArray<number | null>;
    readonly costBps: ReadonlyArray<number | null>;
    readonly unfilled: ReadonlyArray<number | null>;
  }>;
}

export async function costsPart(ctx: PartContext, labelOf: (row: SummaryRow) => string): Promise<CostsPart | null> {
  const { top, labels, summary } = ctx;
  const missing: string[] = []; // one note for the part, however many of its pieces are missing
  const has = (c: string) => summary.metrics.includes(c);
  const values = (c: string) => top.map((r) => numberOrNull(r[c]));
  let breakdown: CostsPart['breakdown'] = null;
  const kinds = COST_KINDS.filter(has);
  if (!kinds.length) missing.push('summary.csv has no cost columns (a run from before them)');
  else if (!kinds.some((k) => values(k).some((v) => v !== null && v !== 0))) missing.push('the top variants paid no costs (their cost columns are 0 or empty)');
  else breakdown = { labels, kinds, values: kinds.map(values), interest: has('cash_interest') ? values('cash_interest') : top.map(() => null) };

  let breakEven: CostsPart['breakEven'] = null;
  if (has('break_even_bps') && values('break_even_bps').some((v) => v !== null)) {
    breakEven = { labels, cost: has('cost_total_bps') ? values('cost_total_bps') : top.map(() => null), breakEven: values('break_even_bps'), totalReturn: values('total_return') };
  } else if (kinds.length) missing.push('no break_even_bps');

  const present = ctx.tables.present.includes('capacity');
  const capacity = present ? await capacityData(ctx, labelOf) : null;
  if (!present) missing.push('no capacity.csv (--capacity 1e6,1e7,… runs the variants at other starting capitals)');
  else if (!capacity) missing.push('capacity.csv holds none of the top variants');
  if (missing.length) ctx.notes.push(`costs and capacity: ${missing.join('; ')}`);
  if (!breakdown && !breakEven && !capacity) return null;
  return { breakdown, breakEven, capacity };
}

async function capacityData(ctx: PartContext, labelOf: (row: SummaryRow) => string): Promise<CapacityData | null> {
  const r = await query(ctx.tables, `SELECT ${columnsOrNull(ctx.tables, 'capacity', ['variant', 'capital', 'total_return', 'sharpe', 'cost_total_bps', 'unfilled_share'])} FROM capacity ORDER BY 1, 2`);
  const rows = r.rows as Array<[number, number | null, number | null, number | null, number | null, number | null]>;
  const capitals = [...new Set(rows.map((row) => row[1]).filter((c): c is number => c !== null && c > 0))].sort((a, b) => a - b);
  const inFile = new Set(rows.map((row) => row[0]));
  const chosen = ctx.summary.rows.filter((s) => inFile.has(Number(s.variant))).slice(0, CAPACITY_VARIANTS);
  if (!chosen.length || !capitals.length) return null;
  return {
    capitals,
    series: chosen.map((s) => {
      const v = Number(s.variant);
      const byCapital = new Map(rows.filter((row) => row[0] === v).map((row) => [row[1], row]));
      const col = (k: number) => capitals.map((c) => numberOrNull(byCapital.get(c)?.[k]));
      return { label: labelOf(s), variant: v, totalReturn: col(2), sharpe: col(3), costBps: col(4), unfilled: col(5) };
    }),
  };
}
