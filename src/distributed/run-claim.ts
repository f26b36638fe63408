import { BacktestError } from '../errors.ts';
import { isRedisTrouble, Stopped } from './redis-watch.ts';
import { jobStates, type RunJobs } from './run-jobs.ts';

/**
 * A run's claim on its id in the queue's Redis, so that two coordinators never share jobs. Job ids
 * are built from the run id; a second coordinator with the same id would find the first one's jobs
 * and collect their results as its own.
 *
 * 1. A fresh run sets `backtest:run:<run-id>` to its plan digest only if no run holds it (one
 *    atomic script: of two coordinators that start together, one wins), then checks that Redis
 *    holds no job and no result of its chunks (left by a coordinator of an older version, which
 *    claimed nothing). Either failing, it queues nothing and stops (E_QUEUE_RUN_ID, exit 1).
 * 2. A resumed run finds its own plan there (or sets it again if it expired); another plan means
 *    another run has this id: it stops the same way.
 * 3. A run that collected every chunk drops its claim; an unfinished one keeps it (it expires with
 *    the results, after a week) for `--resume`.
 * Results carry the plan digest as well (wire.ts), so a result of another configuration is refused
 * even if two runs ever did share an id.
 */
export async function claimRun(c: RunJobs, ids: readonly string[], resumed: boolean): Promise<void> {
  const { x, watch, results, plan } = c;
  const where = `the queue at ${watch.display}`;
  const held = await watch.call(results.claim(x.runId, plan));
  if (held === true) {
    if (resumed) return;
    const states = await jobStates(c, ids);
    let left = states.filter((s) => s !== 'unknown').length;
    for (let k = 0; k < ids.length; k += 500) left += await watch.call(results.held(...ids.slice(k, k + 500)));
    if (!left) return;
    await watch.call(results.release(x.runId, plan));
    throw new BacktestError('E_QUEUE_RUN_ID', `run ${x.runId}: ${where} already holds ${left} job(s) or result(s) with this run id; nothing was queued: start the run again (it gets a new id)`);
  }
  if (!resumed) {
    throw new BacktestError('E_QUEUE_RUN_ID', `run ${x.runId}: another coordinator's run on ${where} has this run id; nothing was queued: start the run again (it gets a new id)`);
  }
  if (held !== plan) {
    throw new BacktestError('E_QUEUE_RUN_ID', `--resume ${x.runId}: ${where} holds this run id for another configuration (plan ${held}, this run's ${plan}); nothing was queued`);
  }
}

/**
 * Drops the claim of a run that collected every chunk. Best effort: a Redis gone at this point only
 * leaves the claim to expire, and the run is complete all the same.
 */
export async function releaseRun(c: RunJobs): Promise<void> {
  try {
    await c.watch.call(c.results.release(c.x.runId, c.plan));
  } catch (err) {
    if (!(isRedisTrouble(err) || err instanceof Stopped || (err instanceof BacktestError && err.code === 'E_QUEUE_UNREACHABLE'))) throw err;
  }
}
