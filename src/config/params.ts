import type { Params, ParamSpec, Strategy } from '../strategy/types.ts';
import { UsageError } from '../errors.ts';
import { closest } from '../util/closest.ts';

/**
 * Strategy parameters from the command line: `key=value` texts, typed and checked against
 * the strategy's specs. An unknown key suggests the closest known one.
 */
export function parseParamAssignments(texts: readonly string[], option = '--param'): Map<string, string> {
  const out = new Map<string, string>();
  for (const text of texts) {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`${option} ${text}: expected key=value`, 'E_BAD_PARAM');
    out.set(text.slice(0, eq).trim(), text.slice(eq + 1).trim());
  }
  return out;
}

/** Checks that a key names a parameter of the strategy. */
export function checkParamKey(strategy: Strategy, key: string, option = '--param'): ParamSpec {
  const spec = strategy.params[key];
  if (spec) return spec;
  const known = Object.keys(strategy.params);
  const hint = closest(key, known);
  const list = known.length ? `its parameters are ${known.join(', ')}` : 'it takes no parameters';
  throw new UsageError(
    `${option} ${key}: unknown parameter of strategy ${strategy.name}${hint ? ` (did you mean ${hint}?)` : ''}; ${list}`,
    'E_UNKNOWN_PARAM',
  );
}

/** Parses one value for a parameter. */
export function parseParamValue(strategy: Strategy, key: string, text: string, option = '--param'): number | string | boolean {
  const spec = checkParamKey(strategy, key, option);
  let value: unknown = text;
  if (spec.type === 'int' || spec.type === 'number') value = text === '' ? NaN : Number(text);
  else if (spec.type === 'boolean' && ['true', '1', 'yes'].includes(text.toLowerCase())) value = true;
  else if (spec.type === 'boolean' && ['false', '0', 'no'].includes(text.toLowerCase())) value = false;
  return checked(spec, key, value, text, option);
}

/**
 * Checks a value that arrives typed (a queued job's parameters, from JSON) against the parameter's
 * spec exactly as `parseParamValue` checks a typed-in one: its type, then range or choices.
 */
export function checkParamValue(strategy: Strategy, key: string, value: unknown, option = '--param'): number | string | boolean {
  return checked(checkParamKey(strategy, key, option), key, value, String(value), option);
}

function checked(spec: ParamSpec, key: string, value: unknown, text: string, option: string): number | string | boolean {
  const bad = (what: string): never => {
    throw new UsageError(`${option} ${key}=${text}: ${key} must be ${what}`, 'E_BAD_PARAM');
  };
  switch (spec.type) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad(spec.type === 'int' ? 'an integer' : 'a number');
      if (spec.type === 'int' && !Number.isInteger(value)) bad('an integer');
      if (spec.min !== undefined && value < spec.min) bad(`at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) bad(`at most ${spec.max}`);
      return value;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : bad('true or false');
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? value : bad(`one of ${spec.values.join(', ')}`);
    case 'string':
      return typeof value === 'string' ? value : bad('a text');
  }
}

/** The first constraint a combination breaks, or undefined. */
export function constraintProblem(strategy: Strategy, params: Params): string | undefined {
  for (const check of strategy.constraints ?? []) {
    const verdict = check(params as never);
    if (verdict !== true) return verdict;
  }
  return undefined;
}
