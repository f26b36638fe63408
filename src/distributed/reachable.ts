import { Redis } from 'ioredis';
import { BacktestError } from '../errors.ts';
import type { QueueTarget } from './queue-url.ts';

/**
 * Checks, before any work, that the queue's Redis answers (one connection, no retries, a few
 * seconds at most): BullMQ's own clients reconnect forever, which is right for a running fleet but
 * would leave a mistyped host waiting in silence. Returns the server's version.
 */
export async function checkReachable(target: QueueTarget, timeoutMs = 5_000): Promise<string> {
  const client = new Redis({ ...target.connection(), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause: Error | undefined;
  client.on('error', (err: Error) => { cause ??= err; }); // the reason; connect() itself only says "Connection is closed"
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch (err) {
    const why = (cause ?? (err as Error)).message.split('\n')[0];
    throw new BacktestError('E_QUEUE_UNREACHABLE', `cannot reach the queue at ${target.display}: ${why}`, { cause: err });
  } finally {
    client.disconnect();
  }
}
