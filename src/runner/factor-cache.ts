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
 *
 * Rows: a `sparse` factor asked for some rows only (a strategy deciding every R bars: its decision
 * bars) is emitted on those rows alone — NaN elsewhere — and its inputs are asked for the same rows.
 * Asked later for rows it lacks, it is computed again on the union (into a new array: whoever holds the
 * old one keeps its rows). A factor that is not sparse, or is computed whole, has every row.
 */
export class FactorCache {
  private readonly values = new Map<string, Float64Array>();
  /** Released arrays nothing refers to any more (`retain(…, { reuse: true })`), for the next factors. */
  private readonly spare: Float64Array[] = [];
  private readonly memos = new Map<string, unknown>();
  /** The rows computed of each sparse factor held on some rows only (absent: every row). */
  private readonly rowsOf = new Map<string, Uint8Array>();
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

  /**
   * Bars × symbols values of a factor (time-major), computing it on first use. `rows` (1 = needed):
   * the rows the caller reads, when not every row; a sparse factor is then computed on those (and any
   * it held before) only, NaN on the others.
   */
  get(factor: Factor, rows?: Uint8Array, visiting: ReadonlySet<string> = new Set()): Float64Array {
    const key = factor.key;
    const hit = this.values.get(key);
    const held = this.rowsOf.get(key);
    if (hit && covers(held, rows)) return hit;
    if (visiting.has(key)) throw new Error(`factor ${key} depends on itself`);
    const sparse = rows !== undefined && factor.sparse === true && !(factor as WholeFactor)[WHOLE];
    const want = !sparse ? undefined : hit ? union(held!, rows) : rows;
    const inputs = (factor.inputs ?? []).map((f) => this.get(f, want, new Set([...visiting, key])));
    const values = this.compute(factor, inputs, want);
    this.values.set(key, values);
    if (want) this.rowsOf.set(key, want);
    else this.rowsOf.delete(key);
    return values;
  }

  /** The rows held of a factor: undefined when every row is (or the factor is not held). */
  rowsHeld(key: string): Uint8Array | undefined {
    return this.rowsOf.get(key);
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

  /**
   * Adopts values computed elsewhere (e.g. by the main thread, in shared memory): on every row, or
   * on `rows` only (a sparse factor, as rowsHeld() told where it was computed).
   */
  put(key: string, values: Float64Array, rows?: Uint8Array): void {
    this.values.set(key, values);
    if (rows) this.rowsOf.set(key, rows);
    else this.rowsOf.delete(key);
  }

  /**
   * The factors held on every row, to hand to others (put() them there). A sparse factor held on some
   * rows only is not among them: its rows travel with it only where rowsHeld() is asked.
   */
  *entries(): IterableIterator<[string, Float64Array]> {
    for (const entry of this.values) if (!this.rowsOf.has(entry[0])) yield entry;
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
      this.rowsOf.delete(key);
      if (options.reuse) this.spare.push(values);
      released++;
    }
    return released;
  }

  /** The panel's bars: the length of a factor's rows mask. */
  get bars(): number {
    return this.panel.days.length;
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
  private compute(factor: Factor, inputs: readonly Float64Array[], rows: Uint8Array | undefined): Float64Array {
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
    const inputRows: Float64Array[] = inputs.map(() => (small ? new Float64Array(n) : new Float64Array(0)));
    const noInputs = inputs.map(() => NO_ROW);
    const scratch = new Float64Array(small ? n : 0);
    for (let t = 0; t < bars; t++) {
      view.at(t);
      const base = t * n;
      if (rows !== undefined && rows[t] !== 1) { // a row nobody reads: the step advances its state only
        step(view, NO_ROW, noInputs, false);
        continue;
      }
      if (small) {
        for (let k = 0; k < inputs.length; k++) {
          const input = inputs[k]!, row = inputRows[k]!;
          for (let i = 0; i < n; i++) row[i] = input[base + i]!;
        }
        for (let i = 0; i < n; i++) scratch[i] = NaN;
        step(view, scratch, inputRows, true);
        if (!all) maskRow(this.universe, t, scratch);
        for (let i = 0; i < n; i++) out[base + i] = scratch[i]!;
      } else {
        for (let k = 0; k < inputs.length; k++) inputRows[k] = inputs[k]!.subarray(base, base + n);
        const row = out.subarray(base, base + n);
        step(view, row, inputRows, true);
        if (!all) maskRow(this.universe, t, row);
      }
    }
    this.computed++;
    return out;
  }
}

/** Rows of at most this many symbols are handed to a factor's step as copies rather than views. */
const COPIED_ROW = 8;

/** What a sparse factor's step gets for `out` and each input on a row nobody reads: nothing to write or read. */
const NO_ROW = new Float64Array(0);

/** Whether rows `held` (undefined: all) hold every row of `wanted` (undefined: all). */
function covers(held: Uint8Array | undefined, wanted: Uint8Array | undefined): boolean {
  // Stryker disable next-line ConditionalExpression: equivalent, `held === wanted` is a shortcut: the scan below says the same of the same rows (the whole condition forced false is killed: `held` undefined then fails the scan)
  if (held === undefined || held === wanted) return true;
  if (wanted === undefined) return false;
  // Stryker disable next-line EqualityOperator: equivalent, wanted[length] reads undefined, never 1
  for (let t = 0; t < wanted.length; t++) if (wanted[t] === 1 && held[t] !== 1) return false;
  return true;
}

/** The rows of either. */
function union(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  // Stryker disable next-line EqualityOperator: equivalent, a write past the end of a typed array is ignored
  for (let t = 0; t < out.length; t++) out[t] = a[t]! | b[t]!;
  return out;
}
