import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, writeCsvFile } from '../src/writers/csv.ts';
import { tempDir } from './support/cli.ts';

describe('CSV writing', () => {
  it('quotes only what needs it, and numbers round-trip exactly', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(NaN)).toBe('');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(true)).toBe('true');
  });

  it('writes what a CSV parser reads back', () => {
    const file = join(tempDir(), 't.csv');
    const rows = [['Real Estate', 1, -0.5], ['a "quoted", name', null, 1e-7], ['x\ny', 3, 12345678.9]];
    expect(writeCsvFile(file, ['name', 'n', 'x'], rows)).toBe(3);
    const back = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
    expect(back.map((r) => [r.name, r.n === '' ? null : Number(r.n), Number(r.x)])).toEqual(rows);
  });
});
