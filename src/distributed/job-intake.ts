import type { Job } from 'bullmq';
import { checkParamValue, constraintProblem } from '../config/params.ts';
import { BacktestError, isUsageError } from '../errors.ts';
import type { Panel } from '../panel/panel.ts';
import type { Strategy } from '../strategy/types.ts';
import { engineVersion } from '../util/versions.ts';
import { validateVariant } from '../variants/evaluate.ts';
import { firstIssue, JOB_LIMITS, jobSchema, shown } from './job-schema.ts';
import { jobId, PAYLOAD_VERSION, type JobPayload } from './payload.ts';

/**
 * What a worker checks of a job before it spends anything on it, in order — each failure is a
 * refusal (final: the job fails at once, with the message):
 *
 * 1. its size, before the payload is parsed (worker.ts takes it off BullMQ's raw job);
 * 2. its payload version and the coordinator's vopa-backtest and Node versions;
 * 3. its shape (job-schema.ts: every field typed, ranged and bounded), and that its job id is the
 *    one its run and chunk make;
 * 4. then, with the run's strategy loaded from the worker's own list (allowed-strategies.ts) and
 *    its window read: every variant's parameters against the strategy, as a local run checks them
 *    — each name a parameter of the strategy, every parameter present, each value of its spec's
 *    type and range, the strategy's constraints, and its `validate` against the universe.
 */
export class WorkerRefusal extends BacktestError {
  constructor(message: string) {
    super('E_QUEUE_REFUSED', message);
  }
}

/** Why a job's raw payload (JSON text, as stored in Redis; its options too) is too large to parse, or undefined. */
export function oversized(text: string): string | undefined {
  const bytes = Buffer.byteLength(text);
  if (bytes <= JOB_LIMITS.bytes) return undefined;
  return `its payload is ${bytes.toLocaleString('en-US')} bytes, above the limit of ${JOB_LIMITS.bytes.toLocaleString('en-US')}`;
}

/** The job's payload, checked (steps 2 and 3), or a `WorkerRefusal` naming the job and the problem. */
export function readJob(job: Pick<Job, 'id' | 'data'>, worker: string): JobPayload {
  const refuse = (why: string) => new WorkerRefusal(`worker ${worker} refuses job ${shown(job.id)}: ${why}`);
  const data = job.data as { v?: unknown; run?: { runId?: unknown; engine?: { version?: unknown; node?: unknown } } } | null;
  if (data === null || typeof data !== 'object' || data.v !== PAYLOAD_VERSION) {
    throw refuse(`it is not a backtest chunk this version reads (payload v${shown(data?.v)}, this worker reads v${PAYLOAD_VERSION}); run the same vopa-backtest version on every machine`);
  }
  const theirs = data.run?.engine;
  const mine = engineVersion();
  if (theirs && (theirs.version !== mine.version || theirs.node !== mine.node)) {
    throw new WorkerRefusal(`worker ${worker} refuses run ${shown(data.run?.runId)}: it runs vopa-backtest ${mine.version} on Node ${mine.node}, the coordinator vopa-backtest ${shown(theirs.version)} on Node ${shown(theirs.node)}; run the same version on every machine`);
  }
  const parsed = jobSchema.safeParse(data);
  if (!parsed.success) throw refuse(`not a valid backtest chunk: ${firstIssue(parsed.error)}`);
  const p = parsed.data;
  if (job.id !== jobId(p.run.runId, p.chunk)) throw refuse(`its id is not the one of run ${p.run.runId} chunk ${p.chunk} (${jobId(p.run.runId, p.chunk)})`);
  return p;
}

/** Step 4: every variant of the job against the run's strategy and universe, or a `WorkerRefusal`. */
export function checkVariants(p: JobPayload, strategy: Strategy, panel: Panel, worker: string): void {
  const option = 'parameter';
  for (const { id, params } of p.variants) {
    try {
      for (const key of Object.keys(params)) checkParamValue(strategy, key, params[key], option);
      for (const key of Object.keys(strategy.params)) if (!Object.hasOwn(params, key)) throw new WorkerRefusal(`parameter ${key} is missing`);
      const broken = constraintProblem(strategy, params);
      if (broken) throw new WorkerRefusal(broken);
      validateVariant(strategy, params, panel);
    } catch (err) {
      if (!isUsageError(err) && !(err instanceof WorkerRefusal)) throw err;
      throw new WorkerRefusal(`worker ${worker} refuses job ${jobId(p.run.runId, p.chunk)}: variant ${id}: ${(err as Error).message}`);
    }
  }
}
