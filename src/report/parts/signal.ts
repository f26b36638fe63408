import { numberOrNull, peerGroupIc, query, type SummaryRow } from '../../inspect/index.ts';
import { trailingMean } from '../series.ts';
import type { PartContext } from './context.ts';

/**
 * The signal's diagnostics: the detail variant's IC per decision day with a trailing mean and its mean
 * IC per peer group (diagnostics.csv), and the mean quintile spread of the best variants (summary.csv).
 */
export const IC_WINDOW = 10;
export const QUINTILE_VARIANTS = 30;

export interface SignalPart {
  readonly ic: { readonly label: string; readonly dates: readonly string[]; readonly ic: ReadonlyArray<number | null>; readonly mean: ReadonlyArray<number | null>; readonly window: number } | null;
  readonly icGroups: { readonly label: string; readonly groups: readonly string[]; readonly mean: ReadonlyArray<number | null>; readonly icMean: number | null } | null;
  readonly quintile: { readonly labels: readonly string[]; readonly spread: ReadonlyArray<number | null> } | null;
}

export async function signalPart(ctx: PartContext, detail: SummaryRow | undefined, label: string, hasSignal: boolean, labelOf: (row: SummaryRow) => string): Promise<SignalPart> {
  const variant = detail ? Number(detail.variant) : null;
  let ic: SignalPart['ic'] = null;
  let icGroups: SignalPart['icGroups'] = null;
  if (variant !== null) {
    const r = await query(ctx.tables, `SELECT date, ic FROM diagnostics WHERE variant = ${variant} ORDER BY date`);
    const values = r.rows.map((row) => row[1] as number | null);
    ic = { label, dates: r.rows.map((row) => row[0] as string), ic: values, mean: trailingMean(values, IC_WINDOW, 3), window: IC_WINDOW };
    const groups = await peerGroupIc(ctx.tables, variant);
    if (groups.length) icGroups = { label, groups: groups.map((g) => g.group), mean: groups.map((g) => g.ic_mean), icMean: numberOrNull(detail!.ic_mean) };
  }
  const rows = ctx.summary.rows.slice(0, QUINTILE_VARIANTS);
  const quintile = hasSignal && ctx.summary.metrics.includes('quintile_spread') ? { labels: rows.map(labelOf), spread: rows.map((r) => numberOrNull(r.quintile_spread)) } : null;
  return { ic, icGroups, quintile };
}
