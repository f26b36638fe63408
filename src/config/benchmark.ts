import { UsageError } from '../errors.ts';

/**
 * `--benchmark`: what a run's variants are compared with (app/benchmark.ts evaluates it):
 * `buy-and-hold` (the default), `equal-weight`, a symbol in the data, or a file of daily returns.
 */
export type BenchmarkChoice =
  | { readonly kind: 'buy-and-hold' }
  | { readonly kind: 'equal-weight' }
  | { readonly kind: 'symbol'; readonly symbol: string }
  | { readonly kind: 'file'; readonly file: string };

/** Parses `--benchmark` (the symbol is checked against the data once they are read). */
export function parseBenchmark(text: string | undefined, isFile: (path: string) => boolean): BenchmarkChoice {
  if (text === undefined || text === 'buy-and-hold') return { kind: 'buy-and-hold' };
  if (text === 'equal-weight') return { kind: 'equal-weight' };
  if (isFile(text)) return { kind: 'file', file: text };
  if (/[/\\]|\.(csv|gz|txt)$/i.test(text)) throw new UsageError(`--benchmark ${text}: no such file (a benchmark file is a CSV of date,return)`, 'E_BAD_BENCHMARK');
  if (!/^[A-Za-z0-9^][A-Za-z0-9.^_=-]{0,31}$/.test(text)) {
    throw new UsageError(`--benchmark ${text}: not buy-and-hold, equal-weight, a symbol or a file`, 'E_BAD_BENCHMARK');
  }
  return { kind: 'symbol', symbol: text };
}
