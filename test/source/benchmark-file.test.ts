import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { benchmarkOnDays, readBenchmarkFile } from '../../src/source/benchmark-file.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { tempDir } from '../support/cli.ts';

function file(text: string | Buffer, name = 'bench.csv'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

const days = (...iso: string[]) => iso.map((d) => parseIsoDate(d)!);

/** The UsageError a read raises: its one-line message. */
async function refusal(text: string): Promise<string> {
  const path = file(text);
  const err = await readBenchmarkFile(path).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).code).toBe('E_BAD_BENCHMARK');
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message.replace(path, 'FILE');
}

describe('--benchmark FILE: reading', () => {
  it('reads date,return rows in any order into ascending days', async () => {
    const s = await readBenchmarkFile(file('Date,Close,Return\n2024-01-03,101,0.01\n2024-01-02,100,-0.005\n2024-01-04,99,-0.0198\n'));
    expect(Array.from(s.days)).toEqual(days('2024-01-02', '2024-01-03', '2024-01-04'));
    expect(Array.from(s.returns)).toEqual([-0.005, 0.01, -0.0198]);
  });

  it('takes a `returns` column, quoted cells, a BOM, CRLF, and gzip', async () => {
    const text = '\uFEFFreturns,date\r\n"0.02","2024-01-02"\r\n1e-3,2024-01-03\r\n';
    for (const path of [file(text), file(gzipSync(text), 'bench.csv.gz')]) {
      const s = await readBenchmarkFile(path);
      expect(Array.from(s.returns)).toEqual([0.02, 0.001]);
    }
  });

  it('refuses, in one line naming the file and line, what it cannot use', async () => {
    expect(await refusal('day,value\n2024-01-02,0.01\n')).toBe('--benchmark FILE line 1: the header "day,value" has no date and return columns; expected date,return');
    expect(await refusal('date,return\n2024-02-30,0.01\n')).toBe('--benchmark FILE line 2: date "2024-02-30" is not a real YYYY-MM-DD date');
    expect(await refusal('date,return\n2024-01-02,0.01\n01/03/2024,0.01\n')).toBe('--benchmark FILE line 3: date "01/03/2024" is not a real YYYY-MM-DD date');
    expect(await refusal('date,return\n2024-01-02,abc\n')).toBe('--benchmark FILE line 2: return "abc" is not a number');
    expect(await refusal('date,return\n2024-01-02,1.2%\n')).toBe('--benchmark FILE line 2: return "1.2%" is not a number (give fractions: 0.01 = 1 %)');
    expect(await refusal('date,return\n2024-01-02,0x10\n')).toBe('--benchmark FILE line 2: return "0x10" is not a number');
    expect(await refusal('date,return\n2024-01-02,Infinity\n')).toBe('--benchmark FILE line 2: return "Infinity" is not a finite number');
    expect(await refusal('date,return\n2024-01-02,NaN\n')).toBe('--benchmark FILE line 2: return "NaN" is not a finite number');
    expect(await refusal('date,return\n2024-01-02,1e999\n')).toBe('--benchmark FILE line 2: return "1e999" is not a finite number');
    expect(await refusal('date,return\n2024-01-02,\n')).toBe('--benchmark FILE line 2: no return for 2024-01-02');
    expect(await refusal('date,return\n2024-01-02,-1.5\n')).toBe('--benchmark FILE line 2: return -1.5 is below −1 (returns are fractions: 0.01 = 1 %)');
    expect(await refusal('date,return\n2024-01-03,0.01\n2024-01-02,0.01\n2024-01-03,0.02\n')).toBe('--benchmark FILE line 4: date 2024-01-03 repeats line 2');
    expect(await refusal('date,return\n')).toBe('--benchmark FILE: no returns after the header');
    expect(await refusal('')).toBe('--benchmark FILE: empty file; expected a header date,return and one row per day');
    expect(await refusal('date,return\n2024-01-02,"0.01\n')).toMatch(/^--benchmark FILE: not a readable CSV file \(/);
  });

  it('a missing path or a folder', async () => {
    await expect(readBenchmarkFile('/nonexistent/bench.csv')).rejects.toThrow('--benchmark /nonexistent/bench.csv: no such file');
    await expect(readBenchmarkFile(tempDir())).rejects.toThrow(/: not a file$/);
  });
});

describe('--benchmark FILE: on the run\'s trading days', () => {
  const series = {
    file: 'b.csv',
    days: Int32Array.from(days('2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08')),
    returns: Float64Array.of(0.5, 0.01, 0.02, -0.01, 0.03, 0.04),
  };

  it('each trading day\'s own return; dates before the first day and after the last are ignored', () => {
    const out = benchmarkOnDays(series, days('2024-01-02', '2024-01-03', '2024-01-04'));
    expect(Array.from(out)).toEqual([0.01, 0.02, -0.01]);
  });

  it('a date the run\'s calendar lacks is compounded into the next trading day (close to close)', () => {
    // the data has no 2024-01-04: 01-05's return spans 01-03's close to 01-05's close
    const out = benchmarkOnDays(series, days('2024-01-03', '2024-01-05', '2024-01-08'));
    expect(out[0]).toBe(0.02);
    expect(out[1]).toBeCloseTo(0.99 * 1.03 - 1, 15);
    expect(out[2]).toBe(0.04);
  });

  it('refuses a file that misses trading days: how many, and the first', () => {
    expect(() => benchmarkOnDays(series, days('2024-01-02', '2024-01-09', '2024-01-10'))).toThrow(
      '--benchmark b.csv: no return for 2 of the run\'s 3 trading days (the first: 2024-01-09); the file must cover 2024-01-02 … 2024-01-10',
    );
    expect(() => benchmarkOnDays(series, days('2023-12-29', '2024-01-02'))).toThrow(/no return for 1 of the run's 2 trading days \(the first: 2023-12-29\)/);
  });
});
