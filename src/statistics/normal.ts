/**
 * The standard normal distribution function Φ and its inverse Φ⁻¹, to double precision.
 *
 * Φ: W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the
 * error function", Math. Comp. 23 (1969) 631–637; as ANORM in his SPECFUN package, ACM TOMS
 * Algorithm 715, 1993 — the algorithm R's pnorm runs):
 * 1. |x| ≤ 0.67448975 (Φ⁻¹(3/4)): Φ(x) = ½ + x·R₁(x²), R₁ a (4, 4) rational function;
 * 2. 0.67448975 < |x| ≤ √32: the tail Q(|x|) = e^{−x²/2}·R₂(|x|), R₂ an (8, 8) rational function;
 * 3. √32 < |x| < 37.5193: Q(|x|) = e^{−x²/2}·(1/√(2π) − R₃(1/x²)/x²)/|x|;
 *    beyond, Q underflows (Φ(−37.5193) ≈ 2.2·10⁻³⁰⁸) and Φ is 0 or 1;
 * 4. e^{−x²/2} is formed as e^{−x̃²/2}·e^{−(x−x̃)(x+x̃)/2} with x̃ = x truncated to a multiple of
 *    1/16 (exact to square), so the rounding of x² does not spoil the relative accuracy far out
 *    in the tail (Cody's device);
 * 5. Φ(x) = Q(|x|) for x < 0 and 1 − Q(x) for x > 0.
 * Relative error about 10⁻¹⁵ or better over the whole range (tested in test/statistics/normal.test.ts).
 *
 * Φ⁻¹: M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
 * Applied Statistics 37(3) (1988) 477–484, PPND16 (accurate to about 1 part in 10¹⁶):
 * 1. |p − ½| ≤ 0.425: z = q·A(r)/B(r), q = p − ½, r = 0.180625 − q², A and B of degree 7;
 * 2. otherwise r = √(−ln min(p, 1 − p)); r ≤ 5: z = C(r − 1.6)/D(r − 1.6); else E(r − 5)/F(r − 5);
 *    the sign of z is that of p − ½.
 */

const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];
const SQRT_32 = 5.656854249492380195206754896838;
const ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934;
// Stryker disable next-line ArithmeticOperator: equivalent, below a few ε the rational part adds nothing to ½ + x·A₃/B₃ (x² terms vanish)
const HALF_EPSILON = Number.EPSILON / 2;
const UNDERFLOW = 37.5193;

/** e^{−y²/2} with the square split so that its rounding does not reach the result (Cody's device). */
function gaussianFactor(y: number): number {
  const coarse = Math.trunc(y * 16) / 16;
  const rest = (y - coarse) * (y + coarse);
  return Math.exp(-coarse * coarse * 0.5) * Math.exp(-rest * 0.5);
}

/**
 * Φ(x) = P[Z ≤ x] for a standard normal Z (Cody's algorithm, above); NaN for NaN.
 *
 * @example normalCdf(1.959963984540054) // 0.975
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    let num = 0, den = 0;
    if (y > HALF_EPSILON) {
      const xsq = x * x;
      num = A[4]! * xsq;
      den = xsq;
      for (let i = 0; i < 3; i++) {
        num = (num + A[i]!) * xsq;
        den = (den + B[i]!) * xsq;
      }
    }
    return 0.5 + (x * (num + A[3]!)) / (den + B[3]!);
  }
  let tail: number; // Q(y) = P[Z > y]
  if (y <= SQRT_32) {
    let num = C[8]! * y, den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    tail = gaussianFactor(y) * ((num + C[7]!) / (den + D[7]!));
  } else if (y < UNDERFLOW) {
    const xsq = 1 / (x * x);
    let num = P[5]! * xsq, den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * xsq;
      den = (den + Q[i]!) * xsq;
    }
    const r = (xsq * (num + P[4]!)) / (den + Q[4]!);
    tail = gaussianFactor(y) * ((ONE_OVER_SQRT_2PI - r) / y);
  } else {
    tail = 0;
  }
  return x > 0 ? 1 - tail : tail;
}

const A16 = [3.3871328727963666080, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const B16 = [1, 42.313330701600911252, 687.18700749205790830, 5394.1960214247511077, 21213.794301586595867, 39307.895800092710610, 28729.085735721942674, 5226.4952788528545610];
const C16 = [1.42343711074968357734, 4.63033784615654529590, 5.76949722146069140550, 3.64784832476320460504, 1.27045825245236838258, 0.241780725177450611770, 0.0227238449892691845833, 7.74545014278341407640e-4];
const D16 = [1, 2.05319162663775882187, 1.67638483018380384940, 0.689767334985100004550, 0.148103976427480074590, 0.0151986665636164571966, 5.47593808499534494600e-4, 1.05075007164441684324e-9];
const E16 = [6.65790464350110377720, 5.46378491116411436990, 1.78482653991729133580, 0.296560571828504891230, 0.0265321895265761230930, 0.00124266094738807843860, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const F16 = [1, 0.599832206555887937690, 0.136929880922735805310, 0.0148753612908506148525, 7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15];

/** Σ c[k]·r^k by Horner's rule, highest power first (as PPND16 writes it). */
function poly(c: readonly number[], r: number): number {
  let s = c[7]!;
  for (let k = 6; k >= 0; k--) s = s * r + c[k]!;
  return s;
}

/**
 * Φ⁻¹(p): the z with Φ(z) = p (Wichura's AS 241, above); −∞ at 0, +∞ at 1, NaN outside [0, 1].
 *
 * @example normalQuantile(0.95) // 1.6448536269514722
 */
export function normalQuantile(p: number): number {
  // Stryker disable next-line LogicalOperator: equivalent, below 0, above 1 or NaN, p reaches the logarithm of a negative number or NaN below and gives NaN too (the check says so plainly)
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A16, r)) / poly(B16, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z = poly(C16, r) / poly(D16, r);
  } else {
    r -= 5;
    z = poly(E16, r) / poly(F16, r);
  }
  return q < 0 ? -z : z;
}
