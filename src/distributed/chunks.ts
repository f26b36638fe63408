/**
 * How many variants go into one job.
 *
 * 1. A job should take seconds, not milliseconds: each one costs a few Redis round trips, a
 *    decode and a journal write on the coordinator, and a wake-up of a worker. So the target is
 *    3 s of one thread's work per job ...
 * 2. ... but a short run still needs enough jobs to spread over a fleet: the target drops to
 *    1/32 of the run's estimated work, down to half a second.
 * 3. Variants per job = target ÷ the measured time per variant, bounded to 1 … 500, and small
 *    enough that a job's result stays under 16 MB (Redis holds it until the coordinator has it).
 */
export const MAX_CHUNK = 500;
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const TARGET_MS = 3_000;
const MIN_TARGET_MS = 500;
const SPREAD = 32;

export interface ChunkEstimate {
  readonly variants: number;
  /** One variant's simulation time, measured on the coordinator. */
  readonly msPerVariant: number;
  /** One variant's encoded result, measured on the coordinator. */
  readonly bytesPerVariant: number;
}

/**
 * Variants per job.
 *
 * @example chunkSize({ variants: 1000, msPerVariant: 20, bytesPerVariant: 30_000 }) // 31: 32 jobs of ~0.6 s
 */
export function chunkSize(e: ChunkEstimate): number {
  const pace = Math.max(e.msPerVariant, 0.01);
  const target = Math.min(TARGET_MS, Math.max(MIN_TARGET_MS, (pace * e.variants) / SPREAD));
  const bySize = Math.floor(MAX_CHUNK_BYTES / Math.max(1, e.bytesPerVariant));
  return Math.max(1, Math.min(MAX_CHUNK, Math.round(target / pace), bySize));
}

/** A chunk of a run's plan: its number and its variants' indexes (0-based, end exclusive). */
export interface ChunkRange {
  readonly chunk: number;
  readonly from: number;
  readonly to: number;
}

/** The variant indexes (0-based, end exclusive) of each chunk. */
export function chunkRanges(variants: number, size: number): ChunkRange[] {
  const out: ChunkRange[] = [];
  for (let from = 0, chunk = 0; from < variants; from += size, chunk++) out.push({ chunk, from, to: Math.min(variants, from + size) });
  return out;
}
