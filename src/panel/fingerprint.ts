import { createHash, type Hash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { FIELDS, type Panel } from './panel.ts';

/**
 * A fingerprint of the data a run read: sha256 over the universe (symbols, peer groups),
 * the calendar and every value, with NaN made canonical — and, only when the run read them (so a
 * run without them keeps its fingerprint), the shares outstanding of each season and the borrow
 * table's fees (a queue worker must read the same). It depends on the data only, not on
 * where they came from, so a local file and a Supabase project holding the same prices agree.
 */
export function fingerprintPanel(panel: Panel): string {
  const hash = createHash('sha256');
  for (const _ of hashSteps(panel, hash));
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The same fingerprint, computed in slices with a turn of the event loop after each ~20 ms of work:
 * a queue worker's main thread keeps renewing its jobs' locks while it fingerprints a large window.
 */
export async function fingerprintPanelYielding(panel: Panel, sliceMs = 20): Promise<string> {
  const hash = createHash('sha256');
  let since = performance.now();
  for (const _ of hashSteps(panel, hash)) {
    if (performance.now() - since < sliceMs) continue;
    await setImmediate();
    since = performance.now();
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Feeds the panel to `hash`, yielding after each block of 8,192 values. */
function* hashSteps(panel: Panel, hash: Hash): Generator<void> {
  hash.update(`v2\n${panel.symbols.length}\n`);
  panel.symbols.forEach((s, i) => hash.update(`${s}\t${panel.groups[panel.groupOf[i]!] ?? ''}\n`));
  hash.update(new Uint8Array(Int32Array.from(panel.days).buffer));
  // Who is in the universe when, and in which peer group each season (a rolling universe's calendar).
  for (const span of panel.seasons) {
    hash.update(`${span.season}\t${span.firstBar}\n`);
    hash.update(new Uint8Array(Int32Array.from(span.groupOf).buffer));
  }
  hash.update(new Uint8Array(panel.member)); // a copy: the panel may live in shared memory
  const chunk = new Float64Array(8192);
  const bytes = new Uint8Array(chunk.buffer);
  for (const field of FIELDS) {
    const data = panel[field];
    for (let from = 0; from < data.length; from += chunk.length) {
      const len = Math.min(chunk.length, data.length - from);
      for (let k = 0; k < len; k++) {
        const v = data[from + k]!;
        chunk[k] = v === v ? v : NaN; // one NaN bit pattern, whatever produced it
      }
      hash.update(bytes.subarray(0, len * 8));
      yield;
    }
  }
  for (const span of panel.seasons) {
    if (!span.shares) continue;
    hash.update(`shares ${span.season} ${span.firstBar}\n`);
    hash.update(canonical(span.shares));
  }
  if (panel.borrow) {
    hash.update('borrow\n');
    for (let from = 0; from < panel.borrow.length; from += 8192) {
      hash.update(canonical(panel.borrow.subarray(from, from + 8192)));
      yield;
    }
  }
}

/** The bytes of `values` with one NaN bit pattern. */
function canonical(values: Float64Array): Uint8Array {
  const copy = Float64Array.from(values, (v) => (v === v ? v : NaN));
  return new Uint8Array(copy.buffer);
}
