/**
 * `node --expose-gc test/support/memory-probe.ts '<RunOptions as JSON>'`: runs a backtest in this
 * process and prints, as one JSON line, the memory it took at its peak beside the memory guard's
 * estimate for it (test/app/memory.test.ts compares them).
 *
 * 1. A tiny run of the same strategy first, so that module loading and compiled code are in the baseline.
 * 2. Two garbage collections, then the baseline: resident memory; the kernel's high-water mark is
 *    reset (`/proc/self/clear_refs` ← 5), so VmHWM afterwards is this run's peak.
 * 3. The run; peak = VmHWM − baseline.
 * 4. The estimate for the run's actual shape (bars, symbols, days) and its largest variant, as the
 *    guard computes it with no memory limit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { runBacktest } from '../../src/app/backtest.ts';
import { estimateRunMemory, outcomeBytes } from '../../src/app/memory.ts';
import { buildRunConfig } from '../../src/config/run-config.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const options = JSON.parse(process.argv[2]!);
const config = await buildRunConfig({ command: 'memory probe', env: {}, ...options });
const warm = await buildRunConfig({ command: 'warm-up', env: {}, start: '2025-10-07', end: '2025-10-20', season: 2025, strategy: options.strategy, out: options.out, save: 'none' });
await runBacktest(warm);
gc(); gc();
await new Promise((r) => setTimeout(r, 50));
const base = process.memoryUsage.rss();
writeFileSync('/proc/self/clear_refs', '5');
const { record } = await runBacktest(config);
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const shape = { bars: record.panel.days.length, symbols: record.panel.symbols.length, days: record.schedule.last - record.schedule.first + 1 };
const largest = Math.max(...record.variants.map(outcomeBytes));
const estimate = estimateRunMemory(config, shape, 64 * 2 ** 30, config.variants.length > 1 ? largest : undefined);
process.stdout.write(`${JSON.stringify({ peak: hwm - base, estimate: estimate.total, parts: estimate.parts, variants: config.variants.length })}\n`);
