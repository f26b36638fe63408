/**
 * VOPA's value v = mean(r) / sd(r) × √252 (sd with n − 1) of a window of returns, computed exactly and
 * then rounded once, for the tests of src/factors/risk-adjusted-value.ts. Every double is a dyadic
 * rational, so with a common scale 2^E the window's sums are BigInt integers:
 *   S = Σ Rᵢ, P = Σ Rᵢ², Rᵢ = rᵢ·2^E;  D = L·P − S² (= L·Σ(r − mean)² · 2^2E, exactly);
 *   v = S/L ÷ √(D / (L·(L − 1))) × √252, so v² = 252·(L − 1)·S² / (L·D) and v has the sign of S.
 * √ of that rational is taken as an integer square root with ≥ 64 significant bits and a sticky bit
 * (set when the root is inexact), which Number() then rounds to the nearest double, ties to even:
 * the correctly rounded v. NaN when D = 0 (no spread), as the factor gives.
 */

/** x = m·2^e exactly, m a BigInt (x finite). */
function dyadic(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return exp === 0 ? { m: sign * frac, e: -1074 } : { m: sign * (frac | (1n << 52n)), e: exp - 1075 };
}

const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length);

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √(num / den) correctly rounded to a double (num ≥ 0, den > 0). */
export function sqrtRational(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  // scale by 2^(2k) so that the integer root has ≥ 64 bits
  const k = Math.max(0, Math.ceil((130 - (bitLength(num) - bitLength(den))) / 2));
  const scaled = (num << BigInt(2 * k)) / den;
  let root = isqrt(scaled);
  if (root * root * den !== num << BigInt(2 * k)) root |= 1n; // inexact: a sticky bit below the rounding bit
  return Number(root) * 2 ** -k; // Number() rounds to nearest, ties to even; the power of two is exact
}

/** The correctly rounded v of a window of returns (doubles, all finite); NaN when they have no spread. */
export function exactValue(returns: readonly number[]): number {
  const L = returns.length;
  const parts = returns.map(dyadic);
  const E = Math.min(...parts.map((p) => p.e));
  let S = 0n, P = 0n;
  for (const p of parts) {
    const R = p.m << BigInt(p.e - E);
    S += R;
    P += R * R;
  }
  const bigL = BigInt(L);
  const D = bigL * P - S * S;
  if (D === 0n) return NaN;
  const v = sqrtRational(252n * (bigL - 1n) * S * S, bigL * D);
  return S < 0n ? -v : v;
}

/** The distance in units in the last place between two doubles of the same sign (0: bit-identical). */
export function ulpsApart(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  if (Math.sign(a) !== Math.sign(b)) return Number.POSITIVE_INFINITY;
  const d = view.getBigInt64(0) - view.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}
