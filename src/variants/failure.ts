import { BacktestError, StrategyError } from '../errors.ts';
import type { VariantFailure } from './types.ts';

/**
 * A variant's failure as it crosses from a pool thread to the main thread: errors cross as plain
 * objects, so the variant, the message and the code travel as the error's message (JSON), and
 * the main thread (the local pool, or a queue worker) reads them back.
 */
export function variantFailureError(variant: number, err: unknown): Error {
  const e = err as Error;
  const failure: VariantFailure = { variant, message: e?.message ?? String(err), code: e instanceof BacktestError ? e.code : undefined };
  return Object.assign(new Error(JSON.stringify(failure)), { name: 'VariantFailure' });
}

/** The failure a pool thread threw for a variant, or undefined for anything else (a thread that died). */
export function parseVariantFailure(err: unknown): VariantFailure | undefined {
  try {
    const f = JSON.parse((err as Error)?.message ?? '') as VariantFailure;
    return typeof f?.variant === 'number' ? f : undefined;
  } catch {
    return undefined;
  }
}

/** A variant's failure as the engine's error: a strategy's own error stays a `StrategyError`. */
export function variantError(f: VariantFailure): BacktestError {
  const message = `variant ${f.variant}: ${f.message}`;
  return f.code === 'E_STRATEGY' ? new StrategyError(message) : new BacktestError(f.code ?? 'E_VARIANT', message);
}
