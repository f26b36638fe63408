/**
 * Distributed sweeps: a coordinator (`backtest … --queue URL`) splits a run's variants into jobs on
 * a BullMQ queue in Redis, and workers (`backtest worker --queue URL`) on any number of machines
 * simulate them with the local engine and send the results back.
 */
export { AllowedStrategies } from './allowed-strategies.ts';
export { queueExecutor, type QueueExecutorOptions, type QueueRun } from './coordinator.ts';
export { RunJournal } from './journal.ts';
export { resumeRunId } from './resume.ts';
export { parseQueueUrl, QueueTarget } from './queue-url.ts';
export { checkReachable } from './reachable.ts';
export { lockSettings, startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './worker.ts';
