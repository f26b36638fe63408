import type { Params, Strategy } from '../api.ts';
import type { VariantOutcome, VariantSignal } from '../app/variant.ts';
import { BacktestError } from '../errors.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import type { SimulationResult } from '../runner/simulate.ts';
import type { SavedTable } from '../config/run-config.ts';

/**
 * A chunk's results as they travel from a worker to the coordinator (a job's return value, then a
 * file in the coordinator's journal): JSON in which
 * - typed arrays are the base64 of their bytes (`{"$t":"f64","b":"…"}`), so every double comes
 *   back bit for bit (both ends little-endian: x86-64 and arm64 are) and the CSVs match a local run's;
 * - numbers JSON cannot hold (NaN, ±Infinity, −0) are tagged (`{"$n":"NaN"}`);
 * - a variant's signal values (bars × symbols, the factors themselves) are left out: the
 *   coordinator takes them from its own factor cache when `--signals` asks for them;
 * - the equity curve and the trades are left out when `--save` does not write them (their arrays
 *   come back empty), which keeps `--save none` sweeps small.
 */
export const WIRE_VERSION = 1;

/** One variant's outcome without its parameters (the coordinator has them) and signal values. */
export type WireOutcome = Omit<VariantOutcome, 'params' | 'signal'> & { readonly signal?: Omit<VariantSignal, 'values'> | undefined };

export interface ChunkResult {
  readonly v: number;
  readonly runId: string;
  readonly chunk: number;
  /** The worker that ran it (host:pid) and its threads. */
  readonly worker: { readonly name: string; readonly threads: number };
  /** Simulation time in the worker's thread. */
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

/** What a worker ships of one outcome: no parameters, no signal values, only the saved tables. */
export function wireOutcome(o: VariantOutcome, save: ReadonlySet<SavedTable>): WireOutcome {
  const result: SimulationResult = {
    ...o.result,
    curve: save.has('equity') ? o.result.curve : emptyCurve(),
    trades: save.has('trades') ? o.result.trades : emptyTrades(),
  };
  const signal = o.signal ? { factor: o.signal.factor, horizon: o.signal.horizon, days: o.signal.days, summary: o.signal.summary } : undefined;
  return { id: o.id, schedule: o.schedule, result, metrics: o.metrics, signal, warnings: o.warnings };
}

/** Parses a chunk's result text and checks it is the chunk asked for. */
export function decodeChunk(text: string, runId: string, chunk: number): ChunkResult {
  let result: ChunkResult;
  try {
    result = decodeWire<ChunkResult>(text);
  } catch (err) {
    throw new BacktestError('E_QUEUE_RESULT', `chunk ${chunk} of run ${runId}: its result is not valid JSON (${(err as Error).message})`);
  }
  if (result?.v !== WIRE_VERSION || result.runId !== runId || result.chunk !== chunk || !Array.isArray(result.outcomes)) {
    throw new BacktestError('E_QUEUE_RESULT', `chunk ${chunk} of run ${runId}: the result belongs to another run or wire version (${String(result?.runId)} chunk ${String(result?.chunk)}, v${String(result?.v)})`);
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
    const values: Record<string, Float64Array> = {};
    if (withSignalValues && strategy.signal) {
      const spec = strategy.signal(params as never);
      const declared = strategy.factors?.(params as never) ?? {};
      for (const name of [...(spec.extra ?? []), spec.factor]) values[name] = factors.get(declared[name]!);
    }
    signal = { ...w.signal, values };
  }
  return { id: w.id, params, schedule: w.schedule, result: w.result, metrics: w.metrics, signal, warnings: w.warnings };
}

function emptyCurve(): SimulationResult['curve'] {
  return { equity: new Float64Array(0), cash: new Float64Array(0), gross: new Float64Array(0), net: new Float64Array(0) };
}

function emptyTrades(): SimulationResult['trades'] {
  return { length: 0, bar: new Int32Array(0), column: new Int32Array(0), quantity: new Float64Array(0), price: new Float64Array(0), fee: new Float64Array(0), reason: new Uint8Array(0) };
}
