import { Buffer } from 'node:buffer';
import { seasonAt, type Panel, type SeasonSpan } from './panel.ts';

/**
 * Which symbols a decision at bar t may hold: the universe's members on the day its orders fill —
 * the next bar with next-open fills, the same bar with close fills. (A universe calendar is known
 * ahead: index changes are announced before they take effect. Prices are never read ahead.) Their
 * peer groups are that day's season's. One mask for the run, computed once:
 * 1. pinned universes whose every column is a member: `all`, and nothing is masked;
 * 2. otherwise mask[t] = member[fill bar of t] (the last bar keeps its own row: no fill follows it).
 * Factors are NaN where the mask is 0, so signals, selections and diagnostics see members only.
 */
export interface Eligibility {
  /** Every symbol is eligible on every bar (a pinned universe without extra columns): masking is a no-op. */
  readonly all: boolean;
  /** bars × n, time-major: 1 where a decision at bar t may hold symbol i. */
  readonly mask: Uint8Array;
  /** The season span (peer groups) of a decision at bar t. */
  span(t: number): SeasonSpan;
}

export function eligibility(panel: Panel, fill: 'open' | 'close'): Eligibility {
  const n = panel.symbols.length;
  const bars = panel.days.length;
  const member = panel.member;
  // Node's Buffer.indexOf searches bytes with memchr: ~5 µs over the 500,000 bytes of 500 × 1,000,
  // against ~140 µs for Uint8Array's indexOf (V8's element loop) — paid by every run's factor cache.
  const all = panel.seasons.length === 1 && Buffer.from(member.buffer, member.byteOffset, member.byteLength).indexOf(0) < 0;
  const shift = fill === 'open' ? 1 : 0;
  let mask = member;
  if (!all && shift) {
    mask = new Uint8Array(member.length);
    if (bars > 0) {
      mask.set(member.subarray(n), 0);
      mask.set(member.subarray((bars - 1) * n), (bars - 1) * n);
    }
  }
  const spans = panel.seasons;
  // Stryker disable next-line ArithmeticOperator: equivalent, seasonAt of any bar past the last is the last season too
  const last = Math.max(0, bars - 1);
  return {
    all,
    mask,
    // Stryker disable next-line ConditionalExpression: equivalent, seasonAt of a single season is that season (the branch saves the search)
    span: spans.length === 1 ? () => spans[0]! : (t) => seasonAt(panel, Math.min(t + shift, last)),
  };
}

/** Sets to NaN the values of a factor row (bar t) that a decision at t may not hold. */
export function maskRow(e: Eligibility, t: number, row: Float64Array): void {
  // Stryker disable next-line ConditionalExpression: equivalent, when `all` the mask is all ones (the early return saves the loop)
  if (e.all) return;
  const n = row.length;
  const mask = e.mask;
  const base = t * n;
  // Stryker disable next-line EqualityOperator: equivalent for <=, row[n] is past the row's end, and typed arrays ignore the write
  for (let i = 0; i < n; i++) if (mask[base + i] === 0) row[i] = NaN;
}
