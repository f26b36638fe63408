import { z } from 'zod';
import { SAVED_TABLES } from '../config/run-config.ts';
import { UsageError } from '../errors.ts';
import type { Params } from '../strategy/types.ts';
import { MAX_CHUNK } from './chunks.ts';
import { PAYLOAD_VERSION, type JobPayload, type RunDescriptor } from './payload.ts';

/**
 * The shape of a queued job — the one place that describes it — checked before a worker uses any
 * of it. Every field of a job is untrusted input: whoever can write to the queue's Redis can add
 * jobs, so a worker reads nothing a job says until it has passed this schema (then, per job, the
 * strategy's own checks: job-intake.ts).
 *
 * Strict throughout: a key the schema does not name is refused, as are wrong types, numbers out of
 * range (NaN and ±Infinity cannot pass), text with control characters, and sizes past `JOB_LIMITS`.
 *
 * To add a field to the run descriptor: add it to `RunDescriptor` (payload.ts), fill it in
 * `describeRun`, and describe it here, in `runSchema`. `npm run typecheck` fails until the schema
 * produces every field of `RunDescriptor` (the `satisfies` below), and a field sent but not
 * described here is refused by every worker, which every queue test would show.
 *
 * Written with zod (v4): strict objects, exact paths in its messages, and the check and the
 * TypeScript type from one declaration, in a library without dependencies that is widely kept up.
 */

/** What a worker accepts of one job (documented in the README's "trust model"). */
export const JOB_LIMITS = {
  /** Variants per job: the coordinator never makes more (chunks.ts). */
  variants: MAX_CHUNK,
  /** The job's payload and options as stored in Redis (JSON, bytes): refused before they are parsed. */
  bytes: 1024 * 1024,
  /** Parameters per variant. */
  params: 64,
  /** A text parameter's value, in characters. */
  text: 1_000,
  /** A strategy path or a data location, in characters. */
  path: 4_096,
} as const;

/** A run id: what `newRunId` makes, and what a file or a BullMQ job id can hold (no `:`, no `/`). */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>');
const text = (max: number) => z.string().max(max).regex(/^[^\u0000-\u001f\u007f]*$/, 'control characters are not allowed');
/** Days since 1970-01-01, for the dates of years 0000–9999 (what the command line accepts). */
const day = z.int().min(-719_528).max(2_932_896);
const paramKey = z.string().regex(/^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'not a parameter name');
const paramValue = z.union([z.number(), text(JOB_LIMITS.text), z.boolean()]);

/** The run a job belongs to (`RunDescriptor`). */
export const runSchema = z.strictObject({
  runId: z.string().regex(RUN_ID, 'not a run id'),
  strategy: z.strictObject({ source: text(JOB_LIMITS.path).min(1), builtin: z.boolean(), digest }),
  data: z.strictObject({ kind: z.enum(['local', 'supabase']), location: text(JOB_LIMITS.path) }),
  window: z
    .strictObject({
      season: z.int(),
      universe: z.enum(['pinned', 'rolling']).optional(),
      startDay: day,
      endDay: day,
      warmupBars: z.int().min(0).max(1_000_000),
      extraSymbols: z.array(text(32).min(1)).max(8).optional(),
      borrow: z.literal(true).optional(),
    })
    .refine((w) => w.startDay <= w.endDay, 'the window ends before it starts'),
  fill: z.enum(['open', 'close']),
  settings: z.strictObject({
    cash: z.number().positive(),
    fractional: z.boolean(),
    commissionBps: z.number().min(0).lt(10_000),
    slippageBps: z.number().min(0).lt(10_000),
    maxLeverage: z.number().positive().optional(),
    maintenanceMargin: z.number().gt(0).lt(1).optional(),
    riskFree: z.number().gt(-1).lt(1).optional(),
    spreadBps: z.number().min(0).lt(10_000).optional(),
    commissionPerShare: z.number().min(0).optional(),
    minCommission: z.number().min(0).optional(),
    borrowBps: z.number().min(0).optional(),
    cashRate: z.number().min(0).lt(1).optional(),
    maxParticipation: z.number().gt(0).max(1).optional(),
    advDays: z.int().min(2).max(10_000).optional(),
    impact: z.enum(['none', 'sqrt', 'almgren']).optional(),
    impactK: z.number().min(0).optional(),
    impactHorizon: z.number().gt(0).max(1).optional(),
  }),
  fingerprint: digest,
  save: z.array(z.enum(SAVED_TABLES)).max(SAVED_TABLES.length),
  signals: z.boolean(),
  engine: z.strictObject({ version: text(64).min(1), node: z.int().min(0) }),
}) satisfies z.ZodType<RunDescriptor>;

/** One variant's parameters: names and plain values (checked against the strategy's specs afterwards). */
export const paramsSchema = z
  .record(paramKey, paramValue)
  .refine((p) => Object.keys(p).length <= JOB_LIMITS.params, `more than ${JOB_LIMITS.params} parameters`);

/** A job (`JobPayload`): a chunk of a run's variants, numbered consecutively. */
export const jobSchema = z.strictObject({
  v: z.literal(PAYLOAD_VERSION),
  run: runSchema,
  plan: digest,
  chunk: z.int().min(0).max(1_000_000),
  variants: z
    .array(z.strictObject({ id: z.int().min(1), params: paramsSchema, cash: z.number().positive().optional() }))
    .min(1)
    .max(JOB_LIMITS.variants)
    .refine((vs) => vs.every((v, k) => v.id === vs[0]!.id + k), 'variant ids must be consecutive'),
}) satisfies z.ZodType<JobPayload>;

/**
 * Variants per job that keep every job of a run within `JOB_LIMITS` (bytes: the run's descriptor
 * plus the widest variant's parameters, as BullMQ stores them), for the coordinator to size its
 * jobs so that no worker refuses one. Parameters a worker would refuse (too many, text too long)
 * are a `UsageError` here, before anything is queued.
 */
export function jobCapacity(run: RunDescriptor, variants: readonly Params[]): number {
  let widest = 1;
  for (let k = 0; k < variants.length; k++) {
    const params = variants[k]!;
    const checked = paramsSchema.safeParse(params);
    if (!checked.success) throw new UsageError(`variant ${k + 1}: its parameters cannot be queued: ${firstIssue(checked.error)}`, 'E_BAD_PARAM');
    widest = Math.max(widest, Buffer.byteLength(JSON.stringify({ id: variants.length, params })) + 1);
  }
  const base = Buffer.byteLength(JSON.stringify({ v: PAYLOAD_VERSION, run, plan: `sha256:${'0'.repeat(64)}`, chunk: 1_000_000, variants: [] }));
  // The job's options (BullMQ's, a few hundred bytes) count towards the limit too.
  const fit = Math.floor((JOB_LIMITS.bytes - 4_096 - base) / widest);
  if (fit < 1) throw new UsageError(`a variant's parameters take ${widest.toLocaleString('en-US')} bytes: a queued job holds at most ${JOB_LIMITS.bytes.toLocaleString('en-US')}`, 'E_BAD_PARAM');
  return Math.min(fit, JOB_LIMITS.variants);
}

/** The first problem zod found, as `path: message` (and how many more), for a one-line refusal. */
export function firstIssue(error: z.ZodError): string {
  const [issue] = error.issues;
  if (!issue) return 'not a job';
  const path = issue.path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k ? '.' : ''}${String(p)}`)).join('');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path ? `${path}: ` : ''}${issue.message}${more}`;
}

/**
 * Text read from Redis, fit for a terminal: control characters (escape sequences start with one) as `?`.
 *
 * @example printable('run\u001b]0;x\u0007') // 'run?]0;x?'
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** An untrusted value as it may appear in a message: printable, at most 80 characters. */
export function shown(value: unknown): string {
  const clean = printable(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));
  return clean.length > 80 ? `${clean.slice(0, 77)}…` : clean;
}
