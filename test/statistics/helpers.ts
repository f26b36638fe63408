import { Xoshiro128StarStar } from '../../src/statistics/rng.ts';
import type { ReturnsMatrix } from '../../src/statistics/returns-matrix.ts';

/** Standard normal draws by Box–Muller from the seeded generator (its own tests pin it down). */
export function normals(seed: number): () => number {
  const rng = new Xoshiro128StarStar(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** A days × variants matrix whose column j is filled by column(j, t). */
export function matrixOf(days: number, variants: number, column: (j: number, t: number) => number): ReturnsMatrix {
  const values = new Float64Array(days * variants);
  for (let j = 0; j < variants; j++) for (let t = 0; t < days; t++) values[j * days + t] = column(j, t);
  return { days, variants, values };
}

/** Independent normal noise: mean `mean`, sd `sd`, every cell its own draw. */
export function noiseMatrix(days: number, variants: number, seed: number, sd = 0.01, mean = 0): ReturnsMatrix {
  const z = normals(seed);
  return matrixOf(days, variants, () => mean + sd * z());
}

/** The obvious per-period Sharpe of the chosen rows of a series: two-pass mean and sample sd; 0 without dispersion. */
export function sharpeOfRows(series: ArrayLike<number>, rows: readonly number[]): number {
  let s = 0;
  for (const t of rows) s += series[t]!;
  const m = s / rows.length;
  let ss = 0;
  for (const t of rows) ss += (series[t]! - m) ** 2;
  const sd = Math.sqrt(ss / (rows.length - 1));
  return sd > 0 ? m / sd : 0;
}

/** All k-subsets of {0 … n − 1} in lexicographic order (as Python's itertools.combinations). */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const walk = (from: number, chosen: number[]) => {
    if (chosen.length === k) { out.push([...chosen]); return; }
    for (let v = from; v <= n - (k - chosen.length); v++) walk(v + 1, [...chosen, v]);
  };
  walk(0, []);
  return out;
}
