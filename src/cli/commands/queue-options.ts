import { readFileSync } from 'node:fs';
import { MAX_CHUNK } from '../../distributed/chunks.ts';
import { parseQueueUrl, type QueueTarget } from '../../distributed/queue-url.ts';
import { UsageError } from '../../errors.ts';

/** The run command's queue options, checked at the edge (bad input: one line, exit 2). */
export interface QueueChoice {
  readonly target: QueueTarget;
  readonly resume: string | undefined;
  readonly chunkSize: number | undefined;
}

/**
 * `--queue URL`, else `BACKTEST_QUEUE_URL`, else the URL in the file `BACKTEST_QUEUE_URL_FILE` names
 * (the way to keep a password out of `ps`, of shell history and of a service's unit file); undefined
 * when the run stays on this machine.
 */
export function queueTarget(queue: string | undefined, env: NodeJS.ProcessEnv = process.env): QueueTarget | undefined {
  if (queue !== undefined) return parseQueueUrl(queue, '--queue');
  const fromEnv = env.BACKTEST_QUEUE_URL?.trim();
  const file = env.BACKTEST_QUEUE_URL_FILE?.trim();
  if (fromEnv && file) throw new UsageError('BACKTEST_QUEUE_URL and BACKTEST_QUEUE_URL_FILE are both set; keep one', 'E_BAD_OPTION');
  if (fromEnv) return parseQueueUrl(fromEnv, 'BACKTEST_QUEUE_URL');
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`BACKTEST_QUEUE_URL_FILE ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'E_BAD_OPTION');
  }
  if (!text) throw new UsageError(`BACKTEST_QUEUE_URL_FILE ${file}: the file is empty; it should hold redis://[:PASSWORD@]HOST:PORT`, 'E_BAD_OPTION');
  return parseQueueUrl(text, `BACKTEST_QUEUE_URL_FILE ${file}:`);
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
  if (o.resume !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(o.resume)) throw new UsageError(`--resume ${o.resume}: not a run id (e.g. 20261122T100239Z-vopa-3f9a0c41d2e87b5a6c1f0e9d)`, 'E_BAD_OPTION');
  return { target, resume: o.resume, chunkSize };
}
