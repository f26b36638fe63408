import type { VariantExecution } from '../variants/types.ts';
import { evaluateVariant } from '../variants/evaluate.ts';
import { chunkSize } from './chunks.ts';
import { encodeWire, shipped, wireOutcome } from './wire.ts';

/**
 * Variants per job, from this machine's pace: the first variants are simulated here (about a quarter
 * of a second, past the JIT's warm-up, their factors computed beforehand as a worker's are) and the
 * results thrown away; only their time and encoded size are kept.
 */
export function measuredChunkSize(x: VariantExecution): number {
  const variants = x.config.variants;
  const ship = shipped(x.config.save, x.config.signals);
  const started = performance.now();
  let timed = 0, ms = 0, bytes = 0;
  for (let k = 0; k < Math.min(variants.length, 20) && (k < 2 || performance.now() - started < 250); k++) {
    for (const factor of Object.values(x.strategy.factors?.(variants[k] as never) ?? {})) x.factors.get(factor);
    const t = performance.now();
    const o = evaluateVariant({
      panel: x.panel, strategy: x.strategy, id: k + 1, params: variants[k]!, schedule: x.schedule, settings: x.settings, factors: x.factors, supabase: x.supabase, setupData: x.setupData,
    });
    if (k === 0 && variants.length > 1) continue; // the first one pays for warming up
    ms += performance.now() - t;
    bytes += encodeWire(wireOutcome(o, ship)).length;
    timed++;
  }
  return chunkSize({ variants: x.planned.length, msPerVariant: ms / timed, bytesPerVariant: bytes / timed });
}
