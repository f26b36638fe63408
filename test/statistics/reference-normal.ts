/**
 * A deliberately plain second standard normal for the tests: Φ by composite Simpson integration of
 * the density from 0 (2,000 panels: error ≈ 1.2·z⁵/(180·2000⁴), about 1e-12 at |z| = 5), Φ⁻¹ by bisection on it.
 * Slow and simple — nothing shared with src/statistics/normal.ts.
 */
export function simpsonCdf(z: number): number {
  const n = 2_000, h = z / n;
  const f = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  let s = f(0) + f(z);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return 0.5 + (s * h) / 3;
}

export function bisectionQuantile(p: number): number {
  let lo = -10, hi = 10;
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    if (simpsonCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
