import type { Params, Strategy } from '../strategy/types.ts';
import type { VariantOutcome, VariantSignal } from '../metrics/outcome.ts';
import type { DiagnosticsDay } from '../metrics/signal-diagnostics.ts';
import { BacktestError } from '../errors.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import type { SimulationResult } from '../runner/simulate.ts';
import type { SavedTable } from '../config/run-config.ts';
import { allocateCurve } from '../recorder/equity-curve.ts';
import type { ChunkRange } from './chunks.ts';
import { signalValues } from '../variants/evaluate.ts';

/**
 * A chunk's results as they travel from a worker to the coordinator (a Redis string beside the job,
 * see result-store.ts, then a file in the coordinator's journal): JSON in which
 * - typed arrays are the base64 of their bytes (`{"$t":"f64","b":"…"}`), so every double comes
 *   back bit for bit (both ends little-endian: x86-64 and arm64 are) and the CSVs match a local run's;
 * - numbers JSON cannot hold (NaN, ±Infinity, −0) are tagged (`{"$n":"NaN"}`);
 * - a variant's signal values (bars × symbols, the factors themselves) are left out: the
 *   coordinator takes them from its own factor cache when `--signals` asks for them;
 * - the signal's diagnostics days go as columns (null as NaN: the diagnostics never hold NaN);
 * - the equity curve, the trades and the diagnostics days are left out when the coordinator writes
 *   nothing from them (`--save`, `--signals`): their arrays come back empty, which keeps
 *   `--save none` sweeps small. The summary's metrics are always there.
 */
export const WIRE_VERSION = 2;

/** What a coordinator needs beyond the summary: from `--save` and `--signals`. */
export interface Shipped {
  readonly equity: boolean;
  readonly trades: boolean;
  /** Diagnostics days (diagnostics.csv, and signals.csv's dates). */
  readonly days: boolean;
}

export function shipped(save: Iterable<SavedTable>, signals: boolean): Shipped {
  const s = new Set(save);
  return { equity: s.has('equity'), trades: s.has('trades'), days: s.has('diagnostics') || signals };
}

/** Diagnostics days as columns: one entry per day, `groupIc` day-major (days × groups). */
export interface WireDays {
  readonly bar: Int32Array;
  readonly ic: Float64Array;
  readonly quintileSpread: Float64Array;
  readonly coverage: Float64Array;
  readonly groupIc: Float64Array;
  readonly groups: number;
}

/** One variant's outcome without its parameters (the coordinator has them) and signal values. */
export type WireOutcome = Omit<VariantOutcome, 'params' | 'signal'> & {
  readonly signal?: (Omit<VariantSignal, 'values' | 'days'> & { readonly days: WireDays }) | undefined;
};

export interface ChunkResult {
  readonly v: number;
  readonly runId: string;
  /** The plan digest of the job it answers (`JobPayload.plan`). */
  readonly plan: string;
  readonly chunk: number;
  /** The worker that ran it (host:pid) and its threads. */
  readonly worker: { readonly name: string; readonly threads: number };
  /** Time in the worker's thread: the factors it had to compute, then the simulation. */
  readonly ms: number;
  readonly outcomes: readonly WireOutcome[];
}

type ArrayTag = 'f64' | 'i32' | 'u8';

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $n: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value instanceof Float64Array) return tagged('f64', value);
  if (value instanceof Int32Array) return tagged('i32', value);
  if (value instanceof Uint8Array) return tagged('u8', value);
  if (ArrayBuffer.isView(value)) throw new Error(`wire: no encoding for ${value.constructor.name}`);
  return value;
}

function tagged(t: ArrayTag, a: Float64Array | Int32Array | Uint8Array): { $t: ArrayTag; b: string } {
  return { $t: t, b: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const o = value as { $t?: ArrayTag; b?: string; $n?: string };
  if (typeof o.$n === 'string') return o.$n === '-0' ? -0 : Number(o.$n);
  if (typeof o.$t === 'string' && typeof o.b === 'string') {
    // Copy into a fresh, aligned buffer (Buffer's pool may start at any byte).
    const bytes = new Uint8Array(Buffer.from(o.b, 'base64'));
    if (o.$t === 'f64') return new Float64Array(bytes.buffer);
    if (o.$t === 'i32') return new Int32Array(bytes.buffer);
    return bytes;
  }
  return value;
}

/** Any plain value with typed arrays, as wire text. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** The value `encodeWire` was given, typed arrays and special numbers restored exactly. */
export function decodeWire<T>(text: string): T {
  return JSON.parse(text, reviver) as T;
}

/** What a worker ships of one outcome: no parameters, no signal values, only what will be written. */
export function wireOutcome(o: VariantOutcome, ship: Shipped): WireOutcome {
  const result: SimulationResult = {
    ...o.result,
    // The equity curve always travels (the run's statistics need every variant's daily returns); its other columns only when saved.
    curve: ship.equity ? o.result.curve : { ...emptyCurve(), equity: o.result.curve.equity },
    trades: ship.trades ? o.result.trades : emptyTrades(),
  };
  const signal = o.signal ? { factor: o.signal.factor, horizon: o.signal.horizon, days: packDays(ship.days ? o.signal.days : []), summary: o.signal.summary } : undefined;
  return { id: o.id, schedule: o.schedule, result, metrics: o.metrics, signal, warnings: o.warnings };
}

/**
 * Parses a chunk's result text and checks it is the chunk asked for: the run, computed for the run's
 * plan (`plan`: a run of another configuration under the same id is refused), the chunk and exactly
 * its variants (ids from + 1 … to, in order) — a result short of a variant must never be journaled,
 * or a resumed run would take it as done.
 */
export function decodeChunk(text: string, runId: string, plan: string, range: ChunkRange): ChunkResult {
  const { chunk } = range;
  let result: ChunkResult;
  try {
    result = decodeWire<ChunkResult>(text);
  } catch (err) {
    throw new BacktestError('E_QUEUE_RESULT', `chunk ${chunk} of run ${runId}: its result is not valid JSON (${(err as Error).message})`);
  }
  if (result?.v !== WIRE_VERSION || result.runId !== runId || result.chunk !== chunk || !Array.isArray(result.outcomes)) {
    throw new BacktestError('E_QUEUE_RESULT', `chunk ${chunk} of run ${runId}: the result belongs to another run or wire version (${String(result?.runId)} chunk ${String(result?.chunk)}, v${String(result?.v)})`);
  }
  if (result.plan !== plan) {
    throw new BacktestError('E_QUEUE_RESULT', `chunk ${chunk} of run ${runId}: the result was computed for another configuration (plan ${String(result.plan)}, this run's ${plan}): another coordinator uses this run id`);
  }
  const ids = result.outcomes.map((o) => o?.id);
  if (ids.length !== range.to - range.from || ids.some((id, k) => id !== range.from + k + 1)) {
    const held = ids.length ? `variant(s) ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}` : 'no variant';
    throw new BacktestError('E_QUEUE_RESULT', `chunk ${chunk} of run ${runId}: its result holds ${held}, not variants ${range.from + 1}–${range.to}`);
  }
  return result;
}

/**
 * A full outcome again, on the coordinator: its parameters from the run's plan, and (for
 * `--signals`) its signal values from the coordinator's factor cache, named as `evaluateVariant`
 * names them (the companions, then the signal).
 */
export function restoreOutcome(w: WireOutcome, params: Params, strategy: Strategy, factors: FactorCache, withSignalValues: boolean): VariantOutcome {
  let signal: VariantSignal | undefined;
  if (w.signal) {
    const values = withSignalValues && strategy.signal ? signalValues(strategy, params, w.schedule, factors) : {};
    signal = { factor: w.signal.factor, horizon: w.signal.horizon, days: unpackDays(w.signal.days), summary: w.signal.summary, values };
  }
  return { id: w.id, params, schedule: w.schedule, result: w.result, metrics: w.metrics, signal, warnings: w.warnings };
}

function packDays(days: readonly DiagnosticsDay[]): WireDays {
  const groups = days[0]?.groupIc.length ?? 0;
  const col = (f: (d: DiagnosticsDay) => number | null) => Float64Array.from(days, (d) => f(d) ?? NaN);
  const groupIc = new Float64Array(days.length * groups);
  days.forEach((d, k) => d.groupIc.forEach((v, g) => { groupIc[k * groups + g] = v ?? NaN; }));
  return { bar: Int32Array.from(days, (d) => d.bar), ic: col((d) => d.ic), quintileSpread: col((d) => d.quintileSpread), coverage: col((d) => d.coverage), groupIc, groups };
}

function unpackDays(w: WireDays): DiagnosticsDay[] {
  const orNull = (v: number) => (Number.isNaN(v) ? null : v);
  return Array.from(w.bar, (bar, k) => ({
    bar,
    ic: orNull(w.ic[k]!),
    quintileSpread: orNull(w.quintileSpread[k]!),
    coverage: w.coverage[k]!,
    groupIc: Array.from(w.groupIc.subarray(k * w.groups, (k + 1) * w.groups), orNull),
  }));
}

function emptyCurve(): SimulationResult['curve'] {
  return allocateCurve(0);
}

function emptyTrades(): SimulationResult['trades'] {
  return { length: 0, bar: new Int32Array(0), column: new Int32Array(0), quantity: new Float64Array(0), price: new Float64Array(0), fee: new Float64Array(0), reason: new Uint8Array(0), asked: new Float64Array(0) };
}
