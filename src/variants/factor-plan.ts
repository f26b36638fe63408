import type { Factor, Params, Strategy } from '../strategy/types.ts';

/**
 * The order in which a run's variants are simulated, so that factors' memory stays bounded: each
 * distinct factor is a bars × symbols Float64Array (VOPA: ~1.8 MB per (L, S) on the sample's 3½
 * years), and a sweep of 1,000 lookbacks would hold 2,000 of them at once if every factor were
 * computed up front.
 *
 * 1. Each variant's factors, with their inputs (a z-score needs its values): its key set.
 * 2. Variants with the same key set form a group; groups are ordered by their sorted keys, so groups
 *    that share a factor (VOPA's values for one (L, S), under several `minPeers`) sit together,
 *    and variants keep their id order within a group.
 * 3. Groups are cut into batches: a batch takes groups while the factors it needs — its own, and
 *    those computed earlier that a later batch still needs — fit `budgetBytes` (at least one group).
 * 4. The runner computes a batch's factors, runs its variants, then releases every factor no later
 *    batch needs: at most a batch's worth is held at any time, and each factor is computed once.
 * When everything fits one batch, the variants keep their id order (the plan changes nothing).
 */
/** Factors held at once never take more than this (1 GiB), whatever the memory free: the local runner's budget's ceiling (app/memory.ts) and a queue worker's (distributed/worker.ts). */
export const FACTOR_CAP = 2 ** 30;

export interface FactorBatch {
  /** Indices into the run's variants, in the order they run. */
  readonly variants: readonly number[];
  /** Every factor this batch's variants read (with inputs), by key. */
  readonly factors: ReadonlyMap<string, Factor>;
  /** Keys to keep once this batch has run (a later batch needs them); the rest are released. */
  readonly keep: ReadonlySet<string>;
}

export interface FactorPlan {
  readonly batches: readonly FactorBatch[];
  /** Distinct factor keys over the whole run. */
  readonly distinct: number;
  /** The most factors held at once (a batch's, with those carried over it). */
  readonly peak: number;
}

/** A variant's factors and their inputs, by key. */
export function factorsOf(strategy: Strategy, params: Params): Map<string, Factor> {
  const out = new Map<string, Factor>();
  const visit = (f: Factor) => {
    if (out.has(f.key)) return;
    out.set(f.key, f);
    for (const input of f.inputs ?? []) visit(input);
  };
  for (const f of Object.values(strategy.factors?.(params as never) ?? {})) visit(f);
  return out;
}

/**
 * Plans the batches for `variants` with at most `budgetBytes` of factors held (each factor
 * `factorBytes`); a budget below one group's needs still gives that group a batch of its own.
 */
export function planFactorBatches(strategy: Strategy, variants: readonly Params[], factorBytes: number, budgetBytes: number): FactorPlan {
  const groups = new Map<string, { variants: number[]; factors: Map<string, Factor> }>();
  variants.forEach((params, k) => {
    const factors = factorsOf(strategy, params);
    const signature = [...factors.keys()].sort().join('\u0000');
    let g = groups.get(signature);
    if (!g) groups.set(signature, (g = { variants: [], factors }));
    g.variants.push(k);
  });
  const all = new Set<string>();
  for (const g of groups.values()) for (const key of g.factors.keys()) all.add(key);
  const perBudget = factorBytes > 0 ? Math.floor(budgetBytes / factorBytes) : Infinity;
  if (all.size <= perBudget) {
    const factors = new Map<string, Factor>();
    for (const g of groups.values()) for (const [key, f] of g.factors) factors.set(key, f);
    return { batches: [{ variants: variants.map((_, k) => k), factors, keep: new Set() }], distinct: all.size, peak: all.size };
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  // The last group that reads each key: after it, the key can go.
  const lastUse = new Map<string, number>();
  ordered.forEach((g, k) => { for (const key of g.factors.keys()) lastUse.set(key, k); });
  const batches: FactorBatch[] = [];
  let carried = new Set<string>();
  let peak = 0;
  for (let k = 0; k < ordered.length;) {
    const factors = new Map<string, Factor>();
    const held = new Set(carried);
    const members: number[] = [];
    let end = k;
    while (end < ordered.length) {
      const g = ordered[end]!;
      const extra = [...g.factors.keys()].filter((key) => !held.has(key)).length;
      if (end > k && held.size + extra > perBudget) break;
      for (const [key, f] of g.factors) { factors.set(key, f); held.add(key); }
      members.push(...g.variants);
      end++;
    }
    peak = Math.max(peak, held.size);
    const keep = new Set([...held].filter((key) => lastUse.get(key)! >= end));
    batches.push({ variants: members, factors, keep });
    carried = keep;
    k = end;
  }
  return { batches, distinct: all.size, peak };
}
