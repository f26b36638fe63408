import type { VariantExecution } from '../app/backtest.ts';
import type { VariantOutcome } from '../app/variant.ts';
import { BacktestError } from '../errors.ts';
import { restoreOutcome, type ChunkResult } from './wire.ts';

/** Outcomes collected so far (each variant once), and who computed them. */
export class Collected {
  readonly outcomes = new Map<number, VariantOutcome>();
  readonly chunks = new Set<number>();
  readonly workers = new Map<string, { threads: number; chunks: number; variants: number; ms: number }>();
  duplicates = 0;
  fromJournal = 0;
  private readonly x: VariantExecution;

  constructor(x: VariantExecution) {
    this.x = x;
  }

  add(result: ChunkResult, fromJournal = false): void {
    if (this.chunks.has(result.chunk)) return;
    this.chunks.add(result.chunk);
    if (fromJournal) this.fromJournal++;
    const { config, strategy, factors } = this.x;
    for (const w of result.outcomes) {
      const params = config.variants[w.id - 1];
      if (!params) throw new BacktestError('E_QUEUE_RESULT', `chunk ${result.chunk} of run ${result.runId} holds variant ${w.id}, which the run does not have`);
      if (this.outcomes.has(w.id)) {
        this.duplicates++;
        continue;
      }
      this.outcomes.set(w.id, restoreOutcome(w, params, strategy, factors, config.signals));
    }
    const who = this.workers.get(result.worker.name) ?? { threads: result.worker.threads, chunks: 0, variants: 0, ms: 0 };
    who.chunks++;
    who.variants += result.outcomes.length;
    who.ms += result.ms;
    this.workers.set(result.worker.name, who);
  }
}
