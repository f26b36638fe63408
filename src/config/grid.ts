import type { Params, ParamSpec, Strategy } from '../strategy/types.ts';
import { UsageError } from '../errors.ts';
import { checkParamKey, constraintProblem, parseParamValue } from './params.ts';

/**
 * Strategy variants from the command line: `--grid key=v1,v2,…` or `key=start:stop[:step]`
 * (stop included), repeatable, expanded to the cross product (the last axis varies fastest),
 * over explicit base rows (`--variants FILE`) and the fixed `--param` values. Combinations that
 * break the strategy's constraints are skipped and counted; identical variants run once.
 */
export type ParamValue = number | string | boolean;

export interface GridAxis {
  readonly key: string;
  readonly values: readonly ParamValue[];
}

export interface VariantPlan {
  readonly variants: readonly Params[];
  /** Combinations skipped because they break a constraint, with a few examples. */
  readonly skipped: number;
  readonly skippedExamples: readonly string[];
  /** Variants listed more than once (after defaults), run once. */
  readonly duplicates: number;
}

/** Largest number of values one range may produce (a guard against `x=0:1e9:1`). */
const MAX_AXIS = 100_000;

export function parseGridAxis(strategy: Strategy, text: string): GridAxis {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--grid ${text}: expected key=v1,v2,… or key=start:stop:step`, 'E_BAD_GRID');
  const key = text.slice(0, eq).trim();
  const body = text.slice(eq + 1).trim();
  const spec = checkParamKey(strategy, key, '--grid');
  if (body === '') throw new UsageError(`--grid ${text}: no values for ${key}`, 'E_BAD_GRID');
  const texts = body.includes(':') && !body.includes(',') ? rangeTexts(text, key, body, spec) : body.split(',').map((v) => v.trim());
  if (texts.some((v) => v === '')) throw new UsageError(`--grid ${text}: an empty value in the list`, 'E_BAD_GRID');
  const values = texts.map((v) => parseParamValue(strategy, key, v, '--grid'));
  return { key, values: [...new Map(values.map((v) => [String(v), v])).values()] };
}

/** The values of `start:stop[:step]`, stop included, as texts for the parameter's own parser. */
function rangeTexts(text: string, key: string, body: string, spec: ParamSpec): string[] {
  if (spec.type !== 'int' && spec.type !== 'number') {
    throw new UsageError(`--grid ${text}: a range needs a numeric parameter; ${key} is ${spec.type === 'enum' ? `one of ${spec.values.join(', ')}` : `a ${spec.type}`} (list values with commas)`, 'E_BAD_GRID');
  }
  const parts = body.split(':').map((p) => p.trim());
  const [start, stop, step = 1] = parts.map(Number) as [number, number, number?];
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '') || ![start, stop, step].every(Number.isFinite)) {
    throw new UsageError(`--grid ${text}: a range is start:stop:step with numbers`, 'E_BAD_GRID');
  }
  if (step === 0) throw new UsageError(`--grid ${text}: the step cannot be 0`, 'E_BAD_GRID');
  if ((stop - start) / step < 0) throw new UsageError(`--grid ${text}: the range is empty (step ${step} never gets from ${start} to ${stop})`, 'E_BAD_GRID');
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > MAX_AXIS) throw new UsageError(`--grid ${text}: ${count.toLocaleString('en-US')} values on one axis is too many`, 'E_BAD_GRID');
  // start + k·step, rounded to 12 significant digits so 0.1 steps do not drift (0.30000000000000004)
  return Array.from({ length: count }, (_, k) => String(Number((start + k * step).toPrecision(12))));
}

/**
 * Every variant: base rows (from a variants file, or one empty row) × the grid's cross product,
 * over fixed values and defaults. A key may not be both fixed and varied.
 */
export function expandVariants(
  strategy: Strategy,
  axes: readonly GridAxis[],
  fixed: ReadonlyMap<string, ParamValue>,
  baseRows: ReadonlyArray<ReadonlyMap<string, ParamValue>> = [new Map()],
): VariantPlan {
  const seenAxes = new Set<string>();
  for (const axis of axes) {
    if (seenAxes.has(axis.key)) throw new UsageError(`--grid ${axis.key} is given twice; list all its values in one --grid`, 'E_BAD_GRID');
    if (fixed.has(axis.key)) throw new UsageError(`${axis.key} is both fixed (--param) and varied (--grid); keep one`, 'E_BAD_GRID');
    seenAxes.add(axis.key);
  }
  const defaults: Record<string, ParamValue> = {};
  for (const [key, spec] of Object.entries(strategy.params)) defaults[key] = spec.default;
  const variants: Params[] = [];
  const seen = new Set<string>();
  const skippedExamples: string[] = [];
  let skipped = 0, duplicates = 0;
  const combo = new Array<ParamValue>(axes.length);
  const visit = (base: ReadonlyMap<string, ParamValue>, depth: number): void => {
    if (depth < axes.length) {
      for (const value of axes[depth]!.values) {
        combo[depth] = value;
        visit(base, depth + 1);
      }
      return;
    }
    const params: Record<string, ParamValue> = { ...defaults, ...Object.fromEntries(fixed), ...Object.fromEntries(base) };
    axes.forEach((axis, k) => { params[axis.key] = combo[k]!; });
    const problem = constraintProblem(strategy, params);
    if (problem) {
      skipped++;
      if (skippedExamples.length < 3) skippedExamples.push(problem);
      return;
    }
    const id = JSON.stringify(Object.keys(defaults).map((k) => params[k]));
    if (seen.has(id)) {
      duplicates++;
      return;
    }
    seen.add(id);
    variants.push(Object.freeze(params));
  };
  for (const base of baseRows) visit(base, 0);
  return { variants, skipped, skippedExamples, duplicates };
}
