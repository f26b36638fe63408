import { numberOrNull, type RunBrief, type SummaryRow } from '../../inspect/index.ts';
import { metricKind } from '../../writers/terminal.ts';
import type { PartContext } from './context.ts';

/**
 * The first screen: the best variant's headline numbers beside the benchmark's (and the walk-forward's
 * out-of-sample record when the run has one), the run in brief (strategy, range, universe mode and
 * seasons, benchmark, costs, variants), the overfitting verdict, the run's warnings (grouped, shown
 * collapsed) and the ruined variants.
 */
export const HEADLINE = ['total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'alpha', 'beta', 'information_ratio'] as const;

export interface HeadlineRow {
  readonly label: string;
  readonly role: 'best' | 'oos' | 'benchmark';
  readonly status: string | null;
  readonly values: ReadonlyArray<number | null>;
}

export interface HeaderPart {
  readonly strategy: string | null;
  readonly runId: string;
  /** [what, text] pairs of the run in brief. */
  readonly brief: ReadonlyArray<readonly [string, string]>;
  readonly headline: { readonly metrics: readonly string[]; readonly kinds: readonly string[]; readonly rows: readonly HeadlineRow[] };
  readonly verdict: string | null;
  readonly warnings: ReadonlyArray<{ readonly message: string; readonly examples: readonly string[] }>;
  readonly ruined: { readonly count: number; readonly total: number; readonly labels: readonly string[] };
}

export function headerPart(ctx: PartContext, brief: RunBrief, oos: SummaryRow | null): HeaderPart {
  const { manifest } = ctx.tables.run;
  const bench = manifest.benchmark ?? null;
  const benchLabel = typeof bench?.label === 'string' ? bench.label : typeof bench?.kind === 'string' ? bench.kind : null;
  const rows: HeadlineRow[] = [];
  if (ctx.best) rows.push({ label: `best by ${ctx.rankBy}: ${ctx.bestLabel}`, role: 'best', status: textOrNull(ctx.best.status), values: HEADLINE.map((m) => numberOrNull(ctx.best![m])) });
  if (oos) rows.push({ label: 'walk-forward, out of sample', role: 'oos', status: textOrNull(oos.status), values: HEADLINE.map((m) => numberOrNull(oos[m])) });
  // The benchmark against itself: alpha 0, beta 1 and no information ratio by definition; not shown.
  if (bench) rows.push({ label: `benchmark: ${benchLabel ?? '?'}`, role: 'benchmark', status: null, values: HEADLINE.map((m) => (m === 'alpha' || m === 'beta' || m === 'information_ratio' ? null : numberOrNull(bench[m]))) });
  const ruined = ctx.summary.rows.filter((r) => r.status === 'ruined');
  const extra = manifest as unknown as { warning_details?: unknown };
  const details = Array.isArray(extra.warning_details) ? (extra.warning_details as unknown[]) : [];
  const warnings = (manifest.warnings ?? []).map((message, k) => {
    const group = details[k] as { message?: unknown; examples?: unknown } | undefined;
    const examples = group && group.message === message && Array.isArray(group.examples)
      ? group.examples.flatMap((e: { variant?: unknown; text?: unknown }) => (typeof e?.text === 'string' ? [`variant ${String(e.variant)}: ${e.text}`] : []))
      : [];
    return { message: String(message), examples: examples.length > 1 ? examples : [] };
  });
  const statistics = manifest.statistics;
  return {
    strategy: brief.strategy,
    runId: brief.id,
    brief: briefLines(ctx, brief, benchLabel),
    headline: { metrics: HEADLINE, kinds: HEADLINE.map(metricKind), rows },
    verdict: statistics && !statistics.off && typeof statistics.verdict === 'string' ? statistics.verdict : null,
    warnings,
    ruined: { count: ruined.length, total: ctx.summary.rows.length, labels: ruined.slice(0, 20).map((r) => `#${r.variant}`) },
  };
}

function textOrNull(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

const money = (v: number) => Math.round(v).toLocaleString('en-US');

function briefLines(ctx: PartContext, brief: RunBrief, benchLabel: string | null): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  const range = brief.range;
  if (range) lines.push(['range', `${range.first_trading_day ?? range.start} → ${range.last_trading_day ?? range.end} (${range.trading_days} trading days)`]);
  const u = brief.universe;
  if (u) {
    const seasons = u.seasons.length > 2 ? `${u.seasons[0]}–${u.seasons.at(-1)}` : u.seasons.join(', ');
    lines.push(['universe', `${u.mode}, season${u.seasons.length === 1 ? '' : 's'} ${seasons || '—'}${u.mode === 'rolling' ? ' (each day its own season\'s members)' : ''}`]);
  }
  lines.push(['benchmark', benchLabel ?? 'none']);
  lines.push(['costs', costsText(brief.settings ?? {})]);
  const n = ctx.summary.rows.length;
  lines.push(['variants', `${n.toLocaleString('en-US')}, ranked by ${ctx.rankBy}${ctx.summary.varying.length ? `; varying ${ctx.summary.varying.join(', ')}` : ''}`]);
  const s = brief.settings ?? {};
  const cash = numberOrNull(s.cash);
  const bits = [typeof s.fill === 'string' ? `fill at the ${s.fill}` : null, cash !== null ? `cash ${money(cash)}` : null, numberOrNull(s.max_leverage) !== null ? `max leverage ${s.max_leverage}` : null, numberOrNull(s.risk_free) ? `risk-free ${(Number(s.risk_free) * 100).toFixed(2)} %` : null];
  if (bits.some(Boolean)) lines.push(['settings', bits.filter(Boolean).join(', ')]);
  const data = brief.data;
  if (data) lines.push(['data', `${String(data.kind ?? '?')}${data.location ? ` ${String(data.location)}` : ''}${numberOrNull(data.symbols) !== null ? `, ${data.symbols} symbols` : ''}`]);
  return lines;
}

/**
 * The run's costs in words: the flat commission and slippage, and (when the run recorded them,
 * settings.costs) spread, per-share commission and minimum, participation cap, impact model, borrow
 * and cash rate. "none" when every one is 0 or off.
 *
 * @example costsText({ commission_bps: 5, slippage_bps: 0 }) // 'commission 5 bp'
 */
export function costsText(settings: Readonly<Record<string, unknown>>): string {
  const c = (settings.costs && typeof settings.costs === 'object' ? settings.costs : {}) as Record<string, unknown>;
  const n = (v: unknown) => numberOrNull(v) ?? 0;
  const parts: string[] = [];
  if (n(settings.commission_bps)) parts.push(`commission ${n(settings.commission_bps)} bp`);
  if (n(c.commission_per_share)) parts.push(`commission ${n(c.commission_per_share)} a share`);
  if (n(c.min_commission)) parts.push(`minimum commission ${n(c.min_commission)}`);
  if (n(settings.slippage_bps)) parts.push(`slippage ${n(settings.slippage_bps)} bp`);
  if (n(c.spread_bps)) parts.push(`spread ${n(c.spread_bps)} bp`);
  if (n(c.max_participation)) parts.push(`participation ≤ ${+(n(c.max_participation) * 100).toFixed(4)} % of volume`);
  if (typeof c.impact === 'string' && c.impact !== 'none') parts.push(`impact ${c.impact}${numberOrNull(c.impact_k) !== null ? ` (k ${c.impact_k})` : ''}`);
  if (n(c.borrow_bps)) parts.push(`borrow ${n(c.borrow_bps)} bp a year`);
  if (c.borrow_table) parts.push('borrow fees from the borrow table');
  if (n(c.cash_rate)) parts.push(`cash earns ${+(n(c.cash_rate) * 100).toFixed(4)} % a year`);
  return parts.length ? parts.join(', ') : 'none';
}
