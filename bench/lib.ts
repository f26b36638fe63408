/**
 * Small helpers for the benchmark harness: medians of repeated measurements, and a table.
 * Numbers are measured side by side in one run, on whatever the machine is doing: read ratios.
 */
export interface Measure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(samples: readonly number[]): Measure {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)!, runs: s.length };
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns the milliseconds of each run. */
export async function time(fn: () => unknown, runs: number, warmup = 1): Promise<Measure> {
  for (let k = 0; k < warmup; k++) await fn();
  const samples: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

/** As `time`, and the process's CPU time (user + system) of each run too: a loaded machine disturbs it less. */
export async function timeWithCpu(fn: () => unknown, runs: number, warmup = 1): Promise<{ wall: Measure; cpu: Measure }> {
  for (let k = 0; k < warmup; k++) await fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now(), c = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: summarize(wall), cpu: summarize(cpu) };
}

export interface Row {
  readonly section: string;
  readonly name: string;
  readonly value: string;
  readonly comparison: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: boolean | null;
}

export function printTable(rows: readonly Row[]): string {
  const head = ['section', 'measurement', 'median', 'compared with', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [r.section, r.name, r.value, r.comparison, r.ratio, r.target, r.met === null ? '' : r.met ? 'yes' : 'NO']);
  const widths = head.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
  const line = (c: readonly string[]) => `| ${c.map((x, k) => x.padEnd(widths[k]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export const fmt = {
  ms: (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`),
  rate: (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M/s` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k/s` : `${x.toFixed(1)}/s`),
  x: (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(x >= 10 ? 1 : 2)}×`,
  mb: (x: number) => `${x.toFixed(0)} MB`,
};
