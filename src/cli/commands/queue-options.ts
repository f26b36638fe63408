import { MAX_CHUNK } from '../../distributed/chunks.ts';
import { parseQueueUrl, type QueueTarget } from '../../distributed/queue-url.ts';
import { UsageError } from '../../errors.ts';

/** The run command's queue options, checked at the edge (bad input: one line, exit 2). */
export interface QueueChoice {
  readonly target: QueueTarget;
  readonly resume: string | undefined;
  readonly chunkSize: number | undefined;
}

/** `--queue URL` or `BACKTEST_QUEUE_URL`; undefined when the run stays on this machine. */
export function queueTarget(queue: string | undefined, env: NodeJS.ProcessEnv = process.env): QueueTarget | undefined {
  if (queue !== undefined) return parseQueueUrl(queue, '--queue');
  const fromEnv = env.BACKTEST_QUEUE_URL?.trim();
  return fromEnv ? parseQueueUrl(fromEnv, 'BACKTEST_QUEUE_URL') : undefined;
}

export function queueOptions(o: { queue?: string | undefined; resume?: string | undefined; chunkSize?: string | undefined }): QueueChoice | undefined {
  const target = queueTarget(o.queue);
  if (!target) {
    if (o.resume !== undefined) throw new UsageError('--resume continues a run on a queue: give --queue redis://HOST:PORT (or set BACKTEST_QUEUE_URL)', 'E_BAD_OPTION');
    if (o.chunkSize !== undefined) throw new UsageError('--chunk-size sizes the jobs of a queue: give --queue redis://HOST:PORT too', 'E_BAD_OPTION');
    return undefined;
  }
  let chunkSize: number | undefined;
  if (o.chunkSize !== undefined) {
    chunkSize = Number(o.chunkSize);
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK) throw new UsageError(`--chunk-size ${o.chunkSize}: must be a whole number from 1 to ${MAX_CHUNK}`, 'E_BAD_OPTION');
  }
  if (o.resume !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(o.resume)) throw new UsageError(`--resume ${o.resume}: not a run id (e.g. 20261122T100239Z-vopa-1a2b)`, 'E_BAD_OPTION');
  return { target, resume: o.resume, chunkSize };
}
