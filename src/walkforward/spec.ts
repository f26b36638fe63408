import { UsageError } from '../errors.ts';
import { closest } from '../util/closest.ts';
import { parseIsoDate } from '../util/dates.ts';

/**
 * What `--walk-forward` and `--holdout` ask for, parsed and checked on their own (the checks that
 * need the run's evaluation window come later: folds.ts). Lengths are trading days of the window.
 *
 * @example parseWalkForward('train=252,test=63') // { kind: 'walk-forward', train: 252, test: 63, step: 63, anchored: false, embargo: 0 }
 */
export type WalkForwardSpec =
  | {
    readonly kind: 'walk-forward';
    /** Training days per fold (the first fold's; anchored folds grow by `step` each). */
    readonly train: number;
    /** Test days per fold (the last fold's may be shorter: it ends with the window). */
    readonly test: number;
    /** Days between one fold's test start and the next's (default: test). */
    readonly step: number;
    /** The training window starts on the window's first day in every fold (else it rolls). */
    readonly anchored: boolean;
    /** Days left out between a fold's training end and its test start. */
    readonly embargo: number;
  }
  | { readonly kind: 'holdout'; readonly days: number }
  | { readonly kind: 'holdout'; readonly date: string; readonly day: number };

/** The syntax, as messages quote it. */
export const WALK_FORWARD_SYNTAX = 'train=DAYS,test=DAYS[,step=DAYS][,anchored][,embargo=DAYS]';

const KEYS = ['train', 'test', 'step', 'embargo', 'anchored'] as const;

/** `--walk-forward train=DAYS,test=DAYS[,step=DAYS][,anchored][,embargo=DAYS]` (bad input: exit 2). */
export function parseWalkForward(text: string): WalkForwardSpec {
  const option = `--walk-forward ${text}`;
  const seen = new Map<string, string>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') throw new UsageError(`${option}: an empty part; expected ${WALK_FORWARD_SYNTAX}`, 'E_BAD_WALK_FORWARD');
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (!(KEYS as readonly string[]).includes(key)) {
      const hint = closest(key, KEYS);
      throw new UsageError(`${option}: unknown part "${key}"${hint ? ` (did you mean ${hint}?)` : ''}; expected ${WALK_FORWARD_SYNTAX}`, 'E_BAD_WALK_FORWARD');
    }
    if (seen.has(key)) throw new UsageError(`${option}: ${key} is given twice`, 'E_BAD_WALK_FORWARD');
    // Stryker disable next-line EqualityOperator: equivalent, eq = 0 leaves the key empty, refused above
    if (key === 'anchored' && eq >= 0) throw new UsageError(`${option}: anchored takes no value (write just "anchored")`, 'E_BAD_WALK_FORWARD');
    // Stryker disable next-line EqualityOperator: equivalent, as above
    if (key !== 'anchored' && eq < 0) throw new UsageError(`${option}: ${key} needs a number of trading days (${key}=DAYS)`, 'E_BAD_WALK_FORWARD');
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,MethodExpression: equivalent, anchored's value is never read, and Number() trims
    seen.set(key, eq < 0 ? '' : part.slice(eq + 1).trim());
  }
  for (const key of ['train', 'test'] as const) {
    if (!seen.has(key)) throw new UsageError(`${option}: ${key}=DAYS is missing; expected ${WALK_FORWARD_SYNTAX}`, 'E_BAD_WALK_FORWARD');
  }
  const days = (key: string, min: number) => {
    const value = seen.get(key)!;
    const n = value === '' ? NaN : Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new UsageError(`${option}: ${key}=${value} must be a whole number of trading days, ${min} or more`, 'E_BAD_WALK_FORWARD');
    }
    return n;
  };
  const train = days('train', 1);
  const test = days('test', 1);
  const step = seen.has('step') ? days('step', 1) : test;
  const embargo = seen.has('embargo') ? days('embargo', 0) : 0;
  if (embargo >= test) throw new UsageError(`${option}: the embargo (${embargo} days) must be smaller than test (${test} days)`, 'E_BAD_WALK_FORWARD');
  if (step > test) {
    throw new UsageError(`${option}: step=${step} is longer than test=${test}: the days between one test window and the next would be traded by no fold; use step ≤ test`, 'E_BAD_WALK_FORWARD');
  }
  return Object.freeze({ kind: 'walk-forward', train, test, step, anchored: seen.has('anchored'), embargo });
}

/** `--holdout DAYS` (the last DAYS trading days) or `--holdout YYYY-MM-DD` (from that day on). */
export function parseHoldout(text: string): WalkForwardSpec {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = parseIsoDate(value);
    if (day === null) throw new UsageError(`--holdout ${text}: not a real date in YYYY-MM-DD form`, 'E_BAD_WALK_FORWARD');
    return Object.freeze({ kind: 'holdout', date: value, day });
  }
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent here, Number('') = 0 is refused as < 1 all the same
  const n = value === '' ? NaN : Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--holdout ${text}: must be a whole number of trading days, 1 or more, or a date (YYYY-MM-DD) where the holdout starts`, 'E_BAD_WALK_FORWARD');
  }
  return Object.freeze({ kind: 'holdout', days: n });
}

/** The spec as the command line writes it (for messages and the manifest). */
export function describeSpec(spec: WalkForwardSpec): string {
  if (spec.kind === 'holdout') return `--holdout ${'date' in spec ? spec.date : spec.days}`;
  const parts = [`train=${spec.train}`, `test=${spec.test}`];
  if (spec.step !== spec.test) parts.push(`step=${spec.step}`);
  if (spec.anchored) parts.push('anchored');
  if (spec.embargo) parts.push(`embargo=${spec.embargo}`);
  return `--walk-forward ${parts.join(',')}`;
}
