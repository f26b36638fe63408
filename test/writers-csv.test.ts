import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvText, writeCsvFile } from '../src/writers/csv.ts';
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

describe('CSV cells a spreadsheet would run (OWASP, "CSV Injection")', () => {
  it('text beginning with =, +, -, @, tab, CR or LF is written as text: a single quote, in double quotes', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+cmd')).toBe(`"'+cmd"`);
    expect(csvField('-x')).toBe(`"'-x"`);
    expect(csvField('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvField('\tTAB')).toBe(`"'\tTAB"`);
    expect(csvField('\rCR')).toBe(`"'\rCR"`);
    expect(csvField('\nLF')).toBe(`"'\nLF"`);
    // OWASP's two examples.
    expect(csvField('=1+2";=1+2')).toBe(`"'=1+2"";=1+2"`);
    expect(csvField(`=1+2'" ;,=1+2`)).toBe(`"'=1+2'"" ;,=1+2"`);
  });

  it('numbers stay numbers: number cells, and text that is a plain number (negative ones included)', () => {
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(-1e-7)).toBe('-1e-7');
    expect(csvField('-12.5')).toBe('-12.5');
    expect(csvField('+3')).toBe('+3');
    expect(csvField('-1e5')).toBe('-1e5');
    expect(csvField('-')).toBe(`"'-"`);
    expect(csvField('-2+3')).toBe(`"'-2+3"`);
    expect(csvField('2025-01-02')).toBe('2025-01-02');
  });

  it('csvText reads every text back exactly, whatever it holds (quotes already in front included)', () => {
    expect(csvField("'=x")).toBe(`"''=x"`);
    expect(csvField("'plain")).toBe("'plain");
    const alphabet = ['=', '+', '-', '@', '\t', '\r', '\n', "'", '"', ',', 'a', '1', '.', 'e', ' '];
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 8 }).map((a) => a.join('')), fc.string({ maxLength: 6 }), (head, tail) => {
      const text = head + tail;
      const cell = (parse(`${csvField(text)}\n`, { relax_quotes: false }) as string[][])[0]?.[0] ?? '';
      expect(csvText(cell)).toBe(text);
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) expect(cell).not.toMatch(/^[=+\-@\t\r\n]/);
    }), { seed: 18, numRuns: 3_000 });
  });
});
