import { describe, expect, it } from 'vitest';
import { WindowSums } from '../../src/factors/risk-adjusted-value.ts';

/**
 * WindowSums' slide runs in WebAssembly, two symbols a step (src/factors/window-sums.wat). Here it is
 * checked against the scalar loop it replaced, written out below as the engine had it: the same
 * additions in the same order, so every word of state — the ring, both sums' high and low words, the
 * counts — must be the same bits after every slide, on closes built to take every path: missing ones,
 * zeros (infinite and −100 % returns), wild jumps (|r| ≥ 2, and exactly 2), tiny moves (q rounded onto
 * the 2⁻⁸⁸ grid, ties included), flat stretches, and low words drifting past 2⁻³⁷. (That the binary
 * is the text compiled: test/util/wasm.test.ts.)
 */

/** The scalar slide, one symbol at a time (the engine's loop until issue 21 moved it to WebAssembly). */
class ScalarSums {
  readonly n: number;
  readonly ring: Float64Array;
  /** Symbol i: Σr = sums[4i] + sums[4i + 1], Σq = sums[4i + 2] + sums[4i + 3]. */
  readonly sums: Float64Array;
  readonly count: Int32Array;
  readonly big: Int32Array;
  /** How often the paths a test must reach were taken. */
  readonly taken = { grid: 0, tie: 0, wild: 0 };
  /** The bar each symbol's low words were last brought back (−1: never). */
  readonly drifted: Int32Array;
  private bar = 0;

  constructor(n: number, L: number) {
    this.n = n;
    this.ring = new Float64Array(n * L).fill(NaN);
    this.sums = new Float64Array(4 * n);
    this.count = new Int32Array(n);
    this.big = new Int32Array(n);
    this.drifted = new Int32Array(n).fill(-1);
  }

  slide(now: Float64Array, before: Float64Array, pos: number): void {
    const { n, ring, sums, count, big } = this;
    this.bar++;
    for (let i = 0; i < n; i++) {
      const old = ring[pos * n + i]!;
      const r = now[i]! / before[i]! - 1;
      ring[pos * n + i] = r;
      const oldIn = Math.abs(old) < 2, rIn = Math.abs(r) < 2;
      if (old === old) { count[i]!--; if (!oldIn) big[i]!--; }
      if (r === r) { count[i]!++; if (!rIn) { big[i]!++; this.taken.wild++; } }
      const k = 4 * i;
      let s = sums[k]!, c = sums[k + 1]!, ss = sums[k + 2]!, cc = sums[k + 3]!;
      if (oldIn) {
        const x = -old;
        let t = s + x, z = t - s;
        c += s - (t - z) + (x - z);
        s = t;
        const q = -this.onGrid(old * old);
        t = ss + q; z = t - ss;
        cc += ss - (t - z) + (q - z);
        ss = t;
      }
      if (rIn) {
        let t = s + r, z = t - s;
        c += s - (t - z) + (r - z);
        s = t;
        const q = this.onGrid(r * r);
        t = ss + q; z = t - ss;
        cc += ss - (t - z) + (q - z);
        ss = t;
      }
      if (Math.abs(cc) > 2 ** -37) {
        this.drifted[i] = this.bar;
        let t = s + c, z = t - s;
        c = s - (t - z) + (c - z); s = t;
        t = ss + cc; z = t - ss;
        cc = ss - (t - z) + (cc - z); ss = t;
      }
      sums[k] = s; sums[k + 1] = c; sums[k + 2] = ss; sums[k + 3] = cc;
    }
  }

  private onGrid(x: number): number {
    if (x >= 2 ** -35) return x;
    this.taken.grid++;
    const y = x * 2 ** 88;
    if (y - Math.floor(y) === 0.5) this.taken.tie++;
    return Math.round(y) * 2 ** -88;
  }
}

/** A bars × n panel of closes (time-major) that takes every path above. */
function closes(n: number, bars: number, seed: number): Float64Array {
  let state = seed;
  const rnd = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out = new Float64Array(bars * n);
  for (let i = 0; i < n; i++) {
    let p = 50 + 100 * rnd();
    for (let t = 0; t < bars; t++) {
      const u = rnd(), flat = i % 5 === 1 && t % 40 < 15; // flat: every return exactly 0
      if (flat) { /* p as it is */ }
      else if (i % 5 === 2 || u < 0.15) p *= 1 + 4e-6 * (rnd() - 0.5); // tiny: q below 2⁻³⁵, on the grid
      else if (u < 0.17) p *= rnd() < 0.5 ? 3 : 1 / 3; // wild, and back
      else if (u < 0.175) p *= 3 + 1e-9; // wild, a hair over
      else p *= 1 + 0.03 * (rnd() - 0.5);
      out[t * n + i] = u > 0.97 ? NaN : u > 0.965 ? 0 : p; // missing; zero (the next return infinite)
    }
  }
  if (n > 3) for (let t = 10; t < bars; t += 37) { out[(t - 1) * n + 3] = 100; out[t * n + 3] = 300; } // a return of exactly 2
  return out;
}

/** Every word of the two states: the same bits (Object.is: NaN equals NaN, +0 differs from −0). */
function sameState(w: WindowSums, s: ScalarSums, L: number, at: string, ring = true): void {
  const n = s.n, width = 2 * ((n + 1) >> 1);
  for (let i = 0; i < n; i++) {
    const k = 8 * (i >> 1) + (i & 1), j = 4 * (i >> 1) + (i & 1);
    const got = [w.sums[k], w.sums[k + 2], w.sums[k + 4], w.sums[k + 6], w.counts[j], w.counts[j + 2]];
    const want = [s.sums[4 * i], s.sums[4 * i + 1], s.sums[4 * i + 2], s.sums[4 * i + 3], s.count[i], s.big[i]];
    for (let m = 0; m < 6; m++) if (!Object.is(got[m], want[m])) expect(got, `${at}, symbol ${i}`).toEqual(want);
    for (let slot = 0; ring && slot < L; slot++) {
      const a = w.ring[slot * width + i]!, b = s.ring[slot * n + i]!;
      if (!Object.is(a, b)) expect(a, `${at}, symbol ${i}, ring slot ${slot}`).toBe(b);
    }
  }
}

describe('WindowSums in WebAssembly', () => {
  it.each([
    [1, 2], [2, 5], [7, 30], [64, 21],
  ])('slides as the scalar loop does, to the bit, on every word of state (%i symbols, %i-day window)', (n, L) => {
    const bars = 600;
    const panel = closes(n, bars, 1000 * n + L);
    const row = (t: number) => panel.subarray(t * n, t * n + n);
    const w = new WindowSums(n, L), s = new ScalarSums(n, L);
    for (let t = 1; t < bars; t++) {
      // the panel's own rows (`before` is then the last `now`: not copied again), and now and then
      // copies (copied in)
      const copied = t % 7 === 0;
      const now = copied ? row(t).slice() : row(t), before = copied || t % 11 === 0 ? row(t - 1).slice() : row(t - 1);
      w.slide(now, before, t % L);
      s.slide(now, before, t % L);
      sameState(w, s, L, `bar ${t}`);
    }
    // the paths were taken (the tiny returns' ties only where there are enough of them)
    expect(s.taken.grid).toBeGreaterThan(50);
    expect(s.taken.wild).toBeGreaterThan(5);
    if (n >= 7) expect(s.taken.tie).toBeGreaterThan(0);
  });

  it('brings the low words back where Σq drifts, in that lane only, to the bit', () => {
    // As in window-sums.test.ts: a long window of wild-but-tame returns (×2.5–2.95, then back) keeps
    // Σq near 2¹³, and the tiny returns between fall whole into its low word, past 2⁻³⁷: symbols 0 and
    // 2. Symbol 1, in the other lane of 0's pair, rises and falls by half (Σr in the hundreds), so its
    // low words are rarely canonical: were they brought back with 0's, its bits would change.
    const n = 3, L = 8192, bars = 12_000;
    const seeds = [12345, 99, 777];
    const rnd = (i: number) => (seeds[i] = (seeds[i]! * 1103515245 + 12345) % 2147483648) / 2147483648;
    const p = [1, 100, 1];
    const w = new WindowSums(n, L), s = new ScalarSums(n, L);
    let apart = 0;
    for (let t = 1; t < bars; t++) {
      const before = Float64Array.from(p);
      for (const i of [0, 2]) {
        const u = (t + i) % 4;
        p[i] = u === 0 ? p[i]! * (2.5 + 0.45 * rnd(i)) : u === 2 ? p[i]! / (2.5 + 0.45 * rnd(i)) : p[i]! * (1 + 1e-6 * rnd(i));
      }
      p[1] = t % 2 === 0 ? p[1]! * (1.5 + 0.01 * rnd(1)) : p[1]! / (1.49 + 0.01 * rnd(1));
      const now = Float64Array.from(p);
      w.slide(now, before, t % L);
      s.slide(now, before, t % L);
      sameState(w, s, L, `bar ${t}`, t % 2000 === 0);
      // symbol 0's words brought back on this bar, symbol 1's not, and not canonical
      const k = 4 * 1;
      if (s.drifted[0] === t && s.drifted[1] !== t && (s.sums[k]! + s.sums[k + 1]! !== s.sums[k]! || s.sums[k + 2]! + s.sums[k + 3]! !== s.sums[k + 2]!)) apart++;
    }
    expect(apart).toBeGreaterThan(20);
  });

  it('reads rows that are not the last ones moved along (a `before` from elsewhere is copied in)', () => {
    // The same rows fed twice in a row: the second slide's `before` is not the first one's `now`
    const n = 3, L = 3;
    const a = Float64Array.of(100, 200, 300), b = Float64Array.of(110, 180, 330), c = Float64Array.of(121, 162, 363);
    const w = new WindowSums(n, L), s = new ScalarSums(n, L);
    for (const [now, before, pos] of [[b, a, 1], [c, b, 2], [b, a, 0], [c, a, 1], [a, c, 2]] as const) {
      w.slide(now, before, pos);
      s.slide(now, before, pos);
      sameState(w, s, L, `slide to ${pos}`);
    }
  });

  it("reads a row of the same panel that is not the last slide's `now` (the same memory, elsewhere in it)", () => {
    // Rows 5 and 4, then 7 and 6 of one panel: the second `before` shares the first `now`'s buffer, not its place
    const n = 3, L = 3, panel = closes(n, 12, 5);
    const row = (t: number) => panel.subarray(t * n, t * n + n);
    const w = new WindowSums(n, L), s = new ScalarSums(n, L);
    for (const [t, pos] of [[5, 1], [7, 2], [8, 0], [10, 1]] as const) {
      w.slide(row(t), row(t - 1), pos);
      s.slide(row(t), row(t - 1), pos);
      sameState(w, s, L, `slide to bar ${t}`);
    }
  });

  it('refuses a window beyond 4 GiB, naming it', () => {
    expect(() => new WindowSums(2 ** 20, 1024)).toThrow(/^a window of 1024 days over 1048576 symbols takes \d+ bytes, beyond WebAssembly's 4 GiB$/);
  });

  it('refuses rows of another length', () => {
    const w = new WindowSums(3, 4);
    expect(() => w.slide(new Float64Array(2), new Float64Array(3), 0)).toThrow('rows of 3 closes expected, got 2 and 3');
    expect(() => w.slide(new Float64Array(3), new Float64Array(4), 0)).toThrow('rows of 3 closes expected, got 3 and 4');
  });
});
