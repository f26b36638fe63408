import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { numberOrNull } from '../../inspect/index.ts';
import { TRADING_DAYS } from '../../metrics/returns.ts';
import type { PartContext } from './context.ts';

/**
 * "Is it real?": the sweep's overfitting statistics (overfitting.json, src/statistics/sweep.ts) and the
 * per-variant columns of summary.csv:
 * 1. the verdict, the sweep's numbers (trials and effective trials, V[SR], SR₀, PBO, the probability of
 *    an out-of-sample loss, the degradation slope, SPA and Reality Check p-values, MinBTL against the
 *    window's years) and why any is missing (why_missing);
 * 2. the PBO's logit histogram (λ ≤ 0: the in-sample best ranked in the bottom half out of sample);
 * 3. in-sample against out-of-sample Sharpe of the in-sample best across the CSCV splits
 *    (pbo_scatter, every k-th split), annualised here (× √252; the file holds them per period), with
 *    the degradation line oos = slope × is + intercept (its intercept annualised alike);
 * 4. PSR and DSR, and the Sharpe with its bootstrap interval (sharpe_ci_low/high: 90 %, annualised), of
 *    the top variants (up to 20) by rank.
 * overfitting.json is outside input like any file: its fields are checked, and a file that does not
 * hold what is expected is left out with a note (never shown raw).
 */
export const DSR_VARIANTS = 20;
const ANNUAL = Math.sqrt(TRADING_DAYS);

const num = z.number().nullable().catch(null);
const FILE = z.object({
  verdict: z.string().catch(''),
  trials: num, effective_trials: num, sharpe_variance: num, expected_max_sharpe: num,
  best_variant: num, best_sharpe: num, best_psr: num, best_dsr: num,
  pbo: num, pbo_splits: num, prob_oos_loss: num, degradation_slope: num, degradation_intercept: num,
  spa_pvalue: num, reality_check_pvalue: num, min_backtest_years: num, years: num, days: num,
  seed: num, bootstrap_reps: num, pbo_blocks: num,
  pbo_logit_histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number()) }).nullable().catch(null),
  pbo_scatter: z.object({ every: z.number(), is_sharpe: z.array(z.number()), oos_sharpe: z.array(z.number()) }).nullable().catch(null),
  why_missing: z.record(z.string(), z.string()).catch({}),
});

export interface OverfittingPart {
  readonly verdict: string;
  /** [name, value, kind] rows of the sweep's numbers, in reading order. */
  readonly stats: ReadonlyArray<readonly [string, number | null, string]>;
  readonly whyMissing: ReadonlyArray<readonly [string, string]>;
  readonly logits: { readonly edges: readonly number[]; readonly counts: readonly number[]; readonly pbo: number | null } | null;
  readonly scatter: { readonly every: number; readonly is: readonly number[]; readonly oos: readonly number[]; readonly slope: number | null; readonly intercept: number | null } | null;
  readonly top: { readonly labels: readonly string[]; readonly psr: ReadonlyArray<number | null>; readonly dsr: ReadonlyArray<number | null>; readonly sharpe: ReadonlyArray<number | null>; readonly low: ReadonlyArray<number | null>; readonly high: ReadonlyArray<number | null> } | null;
}

export function overfittingPart(ctx: PartContext, labelOf: (row: Readonly<Record<string, unknown>>) => string): OverfittingPart | null {
  const { run } = ctx.tables;
  const statistics = run.manifest.statistics;
  const file = join(run.dir, 'overfitting.json');
  if (statistics?.off) {
    ctx.notes.push('the run was made with --no-statistics: no "Is it real?" section');
    return null;
  }
  if (!existsSync(file)) {
    ctx.notes.push('no overfitting.json (a run from before the overfitting statistics): no "Is it real?" section');
    return null;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    ctx.notes.push('overfitting.json is not valid JSON: no "Is it real?" section');
    return null;
  }
  const parsed = FILE.safeParse(raw);
  if (!parsed.success) {
    ctx.notes.push('overfitting.json does not hold the statistics expected: no "Is it real?" section');
    return null;
  }
  const s = parsed.data;
  const hist = s.pbo_logit_histogram;
  const scatter = s.pbo_scatter;
  const annual = (x: number | null) => (x === null ? null : x * ANNUAL);
  const rows = ctx.summary.rows.slice(0, DSR_VARIANTS);
  const has = (c: string) => ctx.summary.metrics.includes(c);
  return {
    verdict: s.verdict,
    stats: [
      ['trials', s.trials, 'integer'],
      ['effective trials', s.effective_trials, 'number'],
      ['variance of the Sharpe ratios (per day)', s.sharpe_variance, 'ratio'],
      ['expected best Sharpe of no skill, SR₀ (annualised)', annual(s.expected_max_sharpe), 'ratio'],
      ['best variant', s.best_variant, 'integer'],
      ['its Sharpe (annualised)', s.best_sharpe, 'ratio'],
      ['its PSR', s.best_psr, 'ratio'],
      ['its DSR', s.best_dsr, 'ratio'],
      ['PBO', s.pbo, 'ratio'],
      ['CSCV splits', s.pbo_splits, 'integer'],
      ['probability of an out-of-sample loss', s.prob_oos_loss, 'ratio'],
      ['degradation slope (out- on in-sample Sharpe)', s.degradation_slope, 'ratio'],
      ['SPA p-value (Hansen)', s.spa_pvalue, 'ratio'],
      ['Reality Check p-value (White)', s.reality_check_pvalue, 'ratio'],
      ['minimum backtest length (years)', s.min_backtest_years, 'number'],
      ['this window (years)', s.years, 'number'],
    ],
    whyMissing: Object.entries(s.why_missing),
    logits: hist && hist.edges.length === hist.counts.length + 1 && hist.counts.length ? { edges: hist.edges, counts: hist.counts, pbo: s.pbo } : null,
    scatter: scatter && scatter.is_sharpe.length === scatter.oos_sharpe.length && scatter.is_sharpe.length
      ? { every: scatter.every, is: scatter.is_sharpe.map((x) => x * ANNUAL), oos: scatter.oos_sharpe.map((x) => x * ANNUAL), slope: s.degradation_slope, intercept: annual(s.degradation_intercept) }
      : null,
    top: has('dsr') || has('sharpe_ci_low')
      ? {
          labels: rows.map(labelOf),
          psr: rows.map((r) => numberOrNull(r.psr)),
          dsr: rows.map((r) => numberOrNull(r.dsr)),
          sharpe: rows.map((r) => numberOrNull(r.sharpe)),
          low: rows.map((r) => numberOrNull(r.sharpe_ci_low)),
          high: rows.map((r) => numberOrNull(r.sharpe_ci_high)),
        }
      : null,
  };
}
