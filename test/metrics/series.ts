/** Deterministic series for the metric tests (fixed seeds, small sizes). */

/** mulberry32: a seeded uniform generator on (0, 1). */
export function uniform(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** n normal draws with mean `mu` and sd `sigma` (Box–Muller). */
export function normals(seed: number, n: number, mu = 0, sigma = 1): Float64Array {
  const u = uniform(seed);
  return Float64Array.from({ length: n }, () => mu + sigma * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

/**
 * The series the reference values from empyrical were computed on (the same expressions are in the
 * Python calls quoted beside the constants): integer arithmetic and one division, so Python and
 * JavaScript produce the same doubles.
 *   b[k] = ((k·17 mod 29) − 14) / 1000
 *   r[k] = 1.3 × b[k] + ((k·11 mod 13) − 6) / 2000 + 0.0003
 */
export function referenceBenchmark(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => ((k * 17) % 29 - 14) / 1000);
}

export function referenceStrategy(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => 1.3 * (((k * 17) % 29 - 14) / 1000) + ((k * 11) % 13 - 6) / 2000 + 0.0003);
}

/** Relative closeness: |a − b| ≤ tol × max(1, |b|). */
export function near(a: number | null, b: number, tol = 1e-12): boolean {
  return a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
