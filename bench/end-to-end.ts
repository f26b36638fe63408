/**
 * The README command as a whole process, cold: wall time (median of several runs), the first run
 * with an empty compile cache (as right after `npm install`), peak memory, and where the time goes
 * (the manifest's timings: start-up, load, compute, write).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, type Measure } from './lib.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const README_COMMAND = ['2025-10-07', '2026-01-03', '2025'];

export interface EndToEndResult {
  readonly wall: Measure;
  readonly firstRunMs: number;
  readonly peakRssMb: number;
  readonly timings: Record<string, number>;
}

function runOnce(env: NodeJS.ProcessEnv): { ms: number; manifest: { timings_ms: Record<string, number>; peak_rss_mb: number } } {
  const out = mkdtempSync(join(tmpdir(), 'vopa-bench-'));
  try {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/backtest.js'), ...README_COMMAND, '--out', out, '--source', 'local'], { cwd: ROOT, env, encoding: 'utf8' });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`the README command failed: ${r.stderr}`);
    const [run] = readdirSync(out);
    return { ms, manifest: JSON.parse(readFileSync(join(out, run!, 'manifest.json'), 'utf8')) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function endToEndBench(runs = 7): EndToEndResult {
  const cache = mkdtempSync(join(tmpdir(), 'vopa-compile-cache-'));
  const env = { ...process.env, NODE_COMPILE_CACHE: cache, SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' };
  try {
    const first = runOnce(env);
    const later = Array.from({ length: runs }, () => runOnce(env));
    const medianOf = (key: string) => summarize(later.map((r) => r.manifest.timings_ms[key]!)).median;
    return {
      wall: summarize(later.map((r) => r.ms)),
      firstRunMs: first.ms,
      peakRssMb: Math.max(...later.map((r) => r.manifest.peak_rss_mb)),
      timings: Object.fromEntries(['startup', 'load', 'compute', 'write', 'total'].map((k) => [k, medianOf(k)])),
    };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(JSON.stringify(endToEndBench(), null, 2));
