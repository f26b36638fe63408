import type { Bar, Strategy, Weights } from '../../src/api.ts';

/** A test strategy from a decide function (no parameters). */
export function strategyOf(decide: (bar: Bar) => Weights | void | undefined, warmup = 0, name = 'test'): Strategy {
  return { name, description: name, params: {}, warmup: () => warmup, decide: (bar) => decide(bar) };
}

/** Buys the given weights at the first decision, then holds. */
export function buyOnce(weights: Record<string, number>): Strategy {
  return strategyOf((bar) => (bar.decision === 0 ? weights : undefined));
}
