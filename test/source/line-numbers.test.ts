import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openCsvFile } from '../../src/source/import/csv-file.ts';
import { recordLines } from '../../src/source/import/line-numbers.ts';
import { sfc32 } from '../../src/sample/generator.ts';
import { tempDir } from '../support/cli.ts';
import { legacyCsvRecords } from '../support/legacy-import.ts';

/**
 * The line-number scanner against csv-parse (which the import used to number rows with) on files
 * of several megabytes, so records straddle the scanner's 1 MB chunks: blank lines, CRLF, quoted
 * fields holding line breaks and doubled quotes, plain and gzip; and the records' texts.
 */
function makeCsv(seed: number, crlf: boolean): string {
  const random = sfc32(seed);
  const eol = crlf ? '\r\n' : '\n';
  const lines = ['', 'symbol,date,close,note']; // a blank line before the header
  for (let k = 0; k < 80_000; k++) {
    const r = random();
    if (r < 0.05) lines.push(''); // a blank line
    const note = r < 0.1 ? '"two\nlines"' : r < 0.15 ? '"a ""quoted"" word, and a comma"' : r < 0.2 ? '"three\nshort\nlines"' : 'plain';
    lines.push(`S${k % 97},2024-01-${String(1 + (k % 28)).padStart(2, '0')},${(random() * 100).toFixed(4)},${note}`);
  }
  return lines.join(eol) + eol;
}

async function expectSameLines(path: string): Promise<number> {
  const expected: number[] = [];
  const cells: string[][] = [];
  let header = true;
  for await (const { line, cells: c } of legacyCsvRecords(path)) {
    if (header) { header = false; continue; }
    expected.push(line);
    cells.push(c);
  }
  const file = (await openCsvFile(path))!;
  const got: number[] = [];
  for await (const { record, line } of recordLines(file, expected.map((_, k) => k))) got[record] = line;
  expect(got).toEqual(expected);
  // A few records only, far apart: the same lines.
  const some = [0, 7, 12_345, expected.length - 1];
  const picked: [number, number][] = [];
  for await (const { record, line } of recordLines(file, some)) picked.push([record, line]);
  expect(picked).toEqual(some.map((k) => [k, expected[k]]));
  // Every 97th record's text, read back into cells, is the record csv-parse read (some straddle two chunks).
  const every = expected.map((_, k) => k).filter((k) => k % 97 === 3);
  for await (const { record, text } of recordLines(file, every, { text: true })) {
    expect((parse(text!) as string[][])[0]!.map((c) => c.trim()), `record ${record}`).toEqual(cells[record]);
  }
  return expected.length;
}

describe('recordLines', () => {
  it('numbers every record as csv-parse did, across 1 MB chunks, LF and CRLF, plain and gzip', async () => {
    const dir = tempDir();
    for (const crlf of [false, true]) {
      const text = makeCsv(crlf ? 2 : 1, crlf);
      expect(text.length).toBeGreaterThan(2 << 20);
      const plain = join(dir, `lines-${crlf}.csv`);
      writeFileSync(plain, text);
      const gzip = join(dir, `lines-${crlf}.csv.gz`);
      writeFileSync(gzip, gzipSync(text));
      expect(await expectSameLines(plain)).toBe(80_000);
      expect(await expectSameLines(gzip)).toBe(80_000);
    }
  });
});
