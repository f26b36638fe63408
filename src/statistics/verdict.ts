/**
 * One plain-English sentence on how much of a sweep's best result to believe, for the terminal.
 *
 * Thresholds:
 * - DSR ≥ 0.95: the best variant's Sharpe stands out from the best of N_eff skill-less tries at the
 *   5 % level (the DSR is the probability that its true Sharpe exceeds the expected maximum of
 *   N_eff skill-less Sharpes; Bailey & López de Prado read it at 95 %). Below, it does not.
 * - PBO > 0.5: the in-sample best lands in the bottom half out of sample in more than half of the
 *   CSCV splits — choosing by the backtest did worse than choosing at random; the sentence says the
 *   choice does not hold out of sample even when the DSR passes.
 * - The SPA p-value (is any variant better than the benchmark?) is quoted, not used to decide: it
 *   answers a different question (the benchmark, not luck among the variants).
 * Numbers: the Sharpe annualised, one decimal (two below 1); N_eff rounded; DSR, PBO and p two decimals.
 */
export const VERDICT_THRESHOLDS = { dsr: 0.95, pbo: 0.5 } as const;

export interface VerdictInput {
  /** Variants with returns (raw N). */
  readonly trials: number;
  /** N_eff; null when it could not be estimated (the raw N is used then). */
  readonly effectiveTrials: number | null;
  /** The best variant's annualised Sharpe; null when no variant has one. */
  readonly bestSharpe: number | null;
  /** The best variant's DSR (its PSR against 0 when there is one variant). */
  readonly bestDsr: number | null;
  readonly pbo: number | null;
  readonly spaPvalue: number | null;
}

const two = (x: number) => x.toFixed(2);
const sharpeText = (x: number) => (Math.abs(x) < 0.995 ? x.toFixed(2) : x.toFixed(1));

/**
 * The tries the best is compared with: `the best of 1,000 tries of no skill worth 310 independent ones`
 * (N and N_eff: correlated variants are fewer tries than they look), or `… 1,000 independent tries …`
 * when N_eff is N (or unknown).
 */
function tries(raw: number, effective: number | null): string { // raw ≥ 2: one variant has its own sentence
  const n = (k: number) => k.toLocaleString('en-US');
  if (effective === null || Math.round(effective) >= raw) return `the best of ${n(raw)} independent tries of no skill`;
  const worth = effective < 9.95 ? effective.toFixed(1) : n(Math.round(effective));
  return `the best of ${n(raw)} tries of no skill worth ${worth} independent one${worth === '1.0' ? '' : 's'}`;
}

function evidence(parts: readonly (string | null)[]): string {
  const kept = parts.filter((p): p is string => p !== null);
  // Stryker disable next-line StringLiteral,ConditionalExpression: equivalent: every call passes a part that is never null (the DSR, the PSR, or the PBO where it is quoted)
  return kept.length ? ` (${kept.join(', ')})` : '';
}

/**
 * The verdict sentence (thresholds above).
 *
 * @example verdictSentence({ trials: 1000, effectiveTrials: 310, bestSharpe: 2.9, bestDsr: 0.41, pbo: 0.62, spaPvalue: null })
 * // "the best variant's Sharpe 2.9 is not distinguishable from the best of 1,000 tries of no skill worth 310 independent ones (DSR 0.41, PBO 0.62)"
 */
export function verdictSentence(v: VerdictInput): string {
  if (v.trials === 0 || v.bestSharpe === null || v.bestDsr === null) {
    return 'no variant has a Sharpe ratio to judge (no returns over the window, or returns that never vary)';
  }
  const spa = v.spaPvalue === null ? null : `SPA p ${two(v.spaPvalue)}`;
  if (v.trials === 1) {
    const passes = v.bestDsr >= VERDICT_THRESHOLDS.dsr;
    return `the variant's Sharpe ${sharpeText(v.bestSharpe)} is ${passes ? '' : 'not '}distinguishable from no skill${evidence([`PSR ${two(v.bestDsr)}`, spa])}; with one variant there is no selection to deflate`;
  }
  const pbo = v.pbo === null ? null : `PBO ${two(v.pbo)}`;
  const head = `the best variant's Sharpe ${sharpeText(v.bestSharpe)}`;
  if (v.bestSharpe <= 0) return `${head} is not above zero: no variant shows skill${evidence([`DSR ${two(v.bestDsr)}`, pbo, spa])}`;
  if (v.bestDsr < VERDICT_THRESHOLDS.dsr) return `${head} is not distinguishable from ${tries(v.trials, v.effectiveTrials)}${evidence([`DSR ${two(v.bestDsr)}`, pbo, spa])}`;
  // Stryker disable next-line ConditionalExpression: equivalent: null > 0.5 is false, so the null test only says what is meant
  if (v.pbo !== null && v.pbo > VERDICT_THRESHOLDS.pbo) {
    return `${head} stands out from ${tries(v.trials, v.effectiveTrials)}${evidence([`DSR ${two(v.bestDsr)}`])}, but picking the best does not hold out of sample${evidence([pbo, spa])}`;
  }
  return `${head} stands out from ${tries(v.trials, v.effectiveTrials)}${evidence([`DSR ${two(v.bestDsr)}`, pbo, spa])}`;
}
