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
  const bad = (what: string): never => {
    throw new UsageError(`${option} ${key}=${text}: ${key} must be ${what}`, 'E_BAD_PARAM');
  };
  switch (spec.type) {
    case 'int':
    case 'number': {
      const value = text === '' ? NaN : Number(text);
      if (!Number.isFinite(value)) bad(spec.type === 'int' ? 'an integer' : 'a number');
      if (spec.type === 'int' && !Number.isInteger(value)) bad('an integer');
      if (spec.min !== undefined && value < spec.min) bad(`at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) bad(`at most ${spec.max}`);
      return value;
    }
    case 'boolean':
      if (['true', '1', 'yes'].includes(text.toLowerCase())) return true;
      if (['false', '0', 'no'].includes(text.toLowerCase())) return false;
      return bad('true or false');
    case 'enum':
      return spec.values.includes(text) ? text : bad(`one of ${spec.values.join(', ')}`);
    case 'string':
      return text;
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
