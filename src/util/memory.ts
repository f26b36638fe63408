import { readFileSync } from 'node:fs';

/**
 * This process's peak resident memory in MB. On Linux it is VmHWM, the high-water mark of the
 * process's own address space: getrusage's maxrss would also count a parent's memory at the
 * fork before exec (a benchmark harness holding a database would be charged to its children).
 */
export function peakRssMb(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Math.round(Number(hwm[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
