import type { VariantExecution } from '../variants/types.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';
import { BacktestError } from '../errors.ts';
import { restoreOutcome, type ChunkResult } from './wire.ts';

/**
 * Outcomes collected so far, and who computed them. A chunk is taken once; its variants were
 * checked against the chunk's range when it was decoded (`decodeChunk`), so a variant collected
 * twice would be a bug, and is refused as one.
 */
export class Collected {
  readonly outcomes = new Map<number, VariantOutcome>();
  readonly chunks = new Set<number>();
  readonly workers = new Map<string, { threads: number; chunks: number; variants: number; ms: number }>();
  fromJournal = 0;
  private readonly x: VariantExecution;

  constructor(x: VariantExecution) {
    this.x = x;
  }

  add(result: ChunkResult, fromJournal = false): void {
    if (this.chunks.has(result.chunk)) return;
    const { config, planned, strategy, factors } = this.x;
    for (const w of result.outcomes) {
      if (!planned[w.id - 1]) throw new BacktestError('E_QUEUE_RESULT', `chunk ${result.chunk} of run ${result.runId} holds variant ${w.id}, which the run does not have`);
      if (this.outcomes.has(w.id)) throw new BacktestError('E_QUEUE_RESULT', `chunk ${result.chunk} of run ${result.runId} holds variant ${w.id}, already collected from another chunk`);
    }
    this.chunks.add(result.chunk);
    if (fromJournal) this.fromJournal++;
    for (const w of result.outcomes) this.outcomes.set(w.id, restoreOutcome(w, planned[w.id - 1]!.params, strategy, factors, config.signals));
    const who = this.workers.get(result.worker.name) ?? { threads: result.worker.threads, chunks: 0, variants: 0, ms: 0 };
    who.chunks++;
    who.variants += result.outcomes.length;
    who.ms += result.ms;
    this.workers.set(result.worker.name, who);
  }
}
