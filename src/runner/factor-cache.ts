import type { Factor } from '../strategy/types.ts';
import { eligibility, maskRow, type Eligibility } from '../panel/eligibility.ts';
import { shape, type Panel } from '../panel/panel.ts';
import { HistoryView } from '../panel/view.ts';
import { WHOLE, type WholeFactor } from '../factors/whole.ts';

/**
 * Computes factors over a panel once per key and keeps them (zipline memoises identical
 * terms the same way). Each factor steps through the bars in time order over a causal view,
 * so its row t depends on nothing after bar t (or, for some of the engine's own factors, computes the
 * same values in one call: factors/whole.ts). Inputs are computed first. Each row is then
 * masked to the symbols a decision at that bar may hold (NaN elsewhere: panel/eligibility.ts),
 * so that a factor fed by another sees members only.
 */
export class FactorCache {
  private readonly values = new Map<string, Float64Array>();
  /** Released arrays nothing refers to any more (`retain(…, { reuse: true })`), for the next factors. */
  private readonly spare: Float64Array[] = [];
  private readonly memos = new Map<string, unknown>();
  private readonly panel: Panel;
  private readonly shared: boolean;
  /** Who a decision at each bar may hold, for the run's fill timing. */
  readonly universe: Eligibility;
  /** Number of factor computations run (a cache hit computes nothing). */
  computed = 0;

  constructor(panel: Panel, options: { shared?: boolean; fill?: 'open' | 'close'; universe?: Eligibility } = {}) {
    this.panel = panel;
    this.shared = options.shared ?? false;
    this.universe = options.universe ?? eligibility(panel, options.fill ?? 'open');
  }

  /** Bars × symbols values of a factor (time-major), computing it on first use. */
  get(factor: Factor, visiting: ReadonlySet<string> = new Set()): Float64Array {
    const hit = this.values.get(factor.key);
    if (hit) return hit;
    if (visiting.has(factor.key)) throw new Error(`factor ${factor.key} depends on itself`);
    const inputs = (factor.inputs ?? []).map((f) => this.get(f, new Set([...visiting, factor.key])));
    const values = this.compute(factor, inputs);
    this.values.set(factor.key, values);
    return values;
  }

  /**
   * Any other result that variants share, computed once per key (e.g. signal diagnostics, which
   * depend on the signal and the decision days but not on how many names a variant holds).
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** Adopts values computed elsewhere (e.g. by the main thread, in shared memory). */
  put(key: string, values: Float64Array): void {
    this.values.set(key, values);
  }

  entries(): IterableIterator<[string, Float64Array]> {
    return this.values.entries();
  }

  /** Whether the factor of this key is held. */
  has(key: string): boolean {
    return this.values.has(key);
  }

  /**
   * Releases every factor whose key is not in `keep`; a released factor asked for again is computed
   * again. Its memory goes once nothing else refers to it and the garbage collector has run — which
   * may be late, since a small heap feels no pressure from large buffers. With `reuse`, the caller
   * promises that nothing refers to the released arrays any more (no outcome keeps signal values, no
   * thread holds them), and the next factors computed are written into them instead of new memory,
   * so the memory held never exceeds the most factors held at once; without it, arrays kept for
   * reuse earlier are let go too. Returns how many were released.
   * @example cache.retain(new Set(['value(63,0)'])) // keeps VOPA's values for L = 63 only
   */
  retain(keep: ReadonlySet<string>, options: { reuse?: boolean } = {}): number {
    let released = 0;
    if (!options.reuse) this.spare.length = 0;
    for (const [key, values] of [...this.values]) {
      if (keep.has(key)) continue;
      this.values.delete(key);
      if (options.reuse) this.spare.push(values);
      released++;
    }
    return released;
  }

  /** Bytes of factor values held (each bars × symbols × 8), spare arrays kept for reuse included. */
  get bytes(): number {
    let total = 0;
    for (const v of this.values.values()) total += v.byteLength;
    for (const v of this.spare) total += v.byteLength;
    return total;
  }

  /**
   * Computes a factor over the window: in one call when it carries a whole-window computation
   * (factors/whole.ts: some of the engine's own factors), else by stepping through the bars. Each step
   * gets row t of the output and of its inputs: views into the arrays, or — for a cross-section of a
   * few symbols, where making a view costs more than copying the values — scratch rows copied in (the
   * inputs) and out (the output, NaN before the step). Either way every row is then masked.
   */
  private compute(factor: Factor, inputs: readonly Float64Array[]): Float64Array {
    const { bars, n } = shape(this.panel);
    const out = this.spare.pop() ?? (this.shared ? new Float64Array(new SharedArrayBuffer(bars * n * 8)) : new Float64Array(bars * n));
    out.fill(NaN);
    const whole = (factor as WholeFactor)[WHOLE];
    if (whole) {
      whole({ panel: this.panel, n, bars, inputs, out });
      if (!this.universe.all) {
        const mask = this.universe.mask;
        for (let cell = 0; cell < out.length; cell++) if (mask[cell] === 0) out[cell] = NaN;
      }
      this.computed++;
      return out;
    }
    const step = factor.create({ n, bars, groupOf: this.panel.groupOf, groupCount: this.panel.groups.length });
    const view = new HistoryView(this.panel, this.universe);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, copies or views is a speed-only choice: both give the same values at every size (test/runner/factor-cache-edges.test.ts)
    const small = n <= COPIED_ROW;
    const all = this.universe.all;
    const rows: Float64Array[] = inputs.map(() => (small ? new Float64Array(n) : new Float64Array(0)));
    const scratch = new Float64Array(small ? n : 0);
    for (let t = 0; t < bars; t++) {
      view.at(t);
      const base = t * n;
      if (small) {
        for (let k = 0; k < inputs.length; k++) {
          const input = inputs[k]!, row = rows[k]!;
          for (let i = 0; i < n; i++) row[i] = input[base + i]!;
        }
        for (let i = 0; i < n; i++) scratch[i] = NaN;
        step(view, scratch, rows);
        if (!all) maskRow(this.universe, t, scratch);
        for (let i = 0; i < n; i++) out[base + i] = scratch[i]!;
      } else {
        for (let k = 0; k < inputs.length; k++) rows[k] = inputs[k]!.subarray(base, base + n);
        const row = out.subarray(base, base + n);
        step(view, row, rows);
        if (!all) maskRow(this.universe, t, row);
      }
    }
    this.computed++;
    return out;
  }
}

/** Rows of at most this many symbols are handed to a factor's step as copies rather than views. */
const COPIED_ROW = 8;
