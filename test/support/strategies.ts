import type { Bar, Strategy, Weights } from '../../src/api.ts';

/** A test strategy from a decide function (no parameters). */
export function strategyOf(decide: (bar: Bar) => Weights | void | undefined, warmup = 0, name = 'test'): Strategy {
  return { name, description: name, params: {}, warmup: () => warmup, decide: (bar) => decide(bar) };
}

/** Buys the given weights at the first decision, then holds. */
export function buyOnce(weights: Record<string, number>): Strategy {
  return strategyOf((bar) => (bar.decision === 0 ? weights : undefined));
}

/**
 * A strategy that declares `every` (a `rebalance` parameter) as it was before it did: asked on every
 * decision bar, it returns nothing off its cadence. Its runs must equal the strategy's own, bit for bit.
 */
export function askedEveryBar(s: Strategy): Strategy {
  return { ...s, every: undefined, decide: (bar, p, ctx) => (bar.decision % (p as unknown as { rebalance: number }).rebalance !== 0 ? undefined : s.decide(bar, p, ctx)) };
}
