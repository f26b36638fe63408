import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { UsageError } from '../errors.ts';

/**
 * How much more memory this process may take, and what says so — the least of:
 * 1. the machine's available memory (`os.freemem()`: MemAvailable on Linux, which counts the page
 *    cache that can be given back);
 * 2. each memory-limited cgroup from this process's own up to the root (cgroup v2: memory.max −
 *    memory.current; v1: memory.limit_in_bytes − memory.usage_in_bytes), as a container or a
 *    systemd unit sets them (`/proc/self/cgroup` names the process's cgroup);
 * 3. `--max-memory` less what the process already holds (its resident memory now).
 */
export interface MemoryHeadroom {
  /** Bytes the process may still add (never negative). */
  readonly bytes: number;
  /** What sets it, for the message: `free memory`, `the cgroup's memory.max (4.0 GiB, 1.2 GiB in use)`, `--max-memory 2.0 GiB`. */
  readonly what: string;
}

/** Where the limits are read (tests point it at a fake /sys/fs/cgroup and /proc/self/cgroup). */
export interface SystemMemory {
  readonly free: () => number;
  readonly rss: () => number;
  readonly read: (path: string) => string | undefined;
  readonly cgroupRoot: string;
}

export const systemMemory: SystemMemory = {
  free: freemem,
  rss: () => process.memoryUsage.rss(),
  read: (path) => { try { return readFileSync(path, 'utf8'); } catch { return undefined; } },
  cgroupRoot: '/sys/fs/cgroup',
};

export function memoryHeadroom(maxMemory: number | null, sys: SystemMemory = systemMemory): MemoryHeadroom {
  let best: MemoryHeadroom = { bytes: Math.max(0, sys.free()), what: `free memory (${formatBytes(sys.free())})` };
  for (const limit of cgroupLimits(sys)) {
    const bytes = Math.max(0, limit.max - limit.used);
    if (bytes < best.bytes) best = { bytes, what: `the cgroup's ${limit.file} (${formatBytes(limit.max)}, ${formatBytes(limit.used)} in use)` };
  }
  if (maxMemory !== null) {
    const rss = sys.rss();
    const bytes = Math.max(0, maxMemory - rss);
    if (bytes <= best.bytes) best = { bytes, what: `--max-memory ${formatBytes(maxMemory)} (${formatBytes(rss)} already in use)` };
  }
  return best;
}

/** Memory limits of the cgroups this process is in (its own and each ancestor's), where set. */
export function cgroupLimits(sys: SystemMemory = systemMemory): Array<{ file: string; max: number; used: number }> {
  const out: Array<{ file: string; max: number; used: number }> = [];
  const number = (text: string | undefined) => {
    const n = text === undefined ? NaN : Number(text.trim());
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const lines = (sys.read('/proc/self/cgroup') ?? '').split('\n');
  // v2: "0::/path"; v1: "N:memory:/path" (or a list of controllers holding memory)
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const v1 = lines.map((l) => l.split(':')).find((f) => f.length >= 3 && f[1]!.split(',').includes('memory'))?.slice(2).join(':');
  const walk = (path: string | undefined, visit: (dir: string) => void) => {
    const parts = (path ?? '/').split('/').filter(Boolean);
    for (let k = parts.length; k >= 0; k--) visit(parts.slice(0, k).join('/'));
  };
  walk(v2, (dir) => {
    const base = dir ? `${sys.cgroupRoot}/${dir}` : sys.cgroupRoot;
    const max = number(sys.read(`${base}/memory.max`)); // "max" (no limit) is not a number
    const used = number(sys.read(`${base}/memory.current`));
    if (max !== undefined) out.push({ file: 'memory.max', max, used: used ?? 0 });
  });
  if (v1 !== undefined) {
    walk(v1, (dir) => {
      const base = dir ? `${sys.cgroupRoot}/memory/${dir}` : `${sys.cgroupRoot}/memory`;
      const max = number(sys.read(`${base}/memory.limit_in_bytes`));
      const used = number(sys.read(`${base}/memory.usage_in_bytes`));
      // v1 writes "no limit" as a huge number (a page short of 2⁶³)
      if (max !== undefined && max < 2 ** 60) out.push({ file: 'memory.limit_in_bytes', max, used: used ?? 0 });
    });
  }
  return out;
}

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * `--max-memory`: bytes, or a number with K, M, G or T (powers of 1024; a trailing B or iB is
 * allowed): `4G`, `512MiB`, `1.5GB`. Bad input: one line, exit 2.
 */
export function parseMemorySize(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  const bytes = m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : NaN;
  if (!Number.isFinite(bytes) || bytes < 2 ** 20) {
    throw new UsageError(`${option} ${text}: must be a size of at least 1M, such as 4G or 512M (powers of 1024)`, 'E_BAD_OPTION');
  }
  return Math.floor(bytes);
}

/** 1536 → "1.5 KiB"; 3.2e9 → "3.0 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let k = 0;
  let v = bytes;
  while (Math.abs(v) >= 1024 && k < units.length - 1) { v /= 1024; k++; }
  return k === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[k]}`;
}
