import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asResultsFiles, BENCH_FILE, mergeResults, README_FILE, renderTable, tableInReadme, withTable, type BenchRecord } from '../../bench/readme-table.ts';
import type { Row } from '../../bench/lib.ts';

/**
 * The README's performance table is docs/bench.json, the record of `npm run bench` runs that
 * `npm run bench:readme` wrote: the README must hold exactly that table (no figure edited by hand).
 */
describe("the README's performance table", () => {
  it('is exactly the one docs/bench.json gives (run `npm run bench:readme` after a bench run)', () => {
    const record = JSON.parse(readFileSync(BENCH_FILE, 'utf8')) as BenchRecord;
    expect(record.rows.length).toBeGreaterThan(10);
    expect(tableInReadme(readFileSync(README_FILE, 'utf8'))).toBe(renderTable(record));
  });

  it('sections from several runs: the last run that measured a section gives its rows, in first-seen order', () => {
    const row = (section: string, name: string, met: boolean | null = null): Row => ({ section, name, value: '1 ms', comparison: '', ratio: '', target: met === null ? '' : '< 2 ms', met });
    const merged = mergeResults([
      { date: '2026-11-01T10:00:00Z', machine: 'm1', rows: [row('a', 'a1'), row('b', 'b1', true)] },
      { date: '2026-11-02T10:00:00Z', machine: 'm2', rows: [row('b', 'b2', false), row('c', 'c1')] },
    ]);
    expect(merged.rows.map((r) => r.name)).toEqual(['a1', 'b2', 'c1']);
    expect(merged.runs).toEqual([{ date: '2026-11-01', machine: 'm1', sections: ['a'] }, { date: '2026-11-02', machine: 'm2', sections: ['b', 'c'] }]);
    const table = renderTable(merged);
    expect(table).toContain('| b | b2 | 1 ms |  |  | < 2 ms ✗ |');
    expect(withTable('x\n<!-- bench-table:start -->\nold\n<!-- bench-table:end -->\ny', 'new')).toBe('x\n<!-- bench-table:start -->\nnew\n<!-- bench-table:end -->\ny');
    expect(() => withTable('no markers', 'new')).toThrow('markers');
  });

  it('docs/bench.json as the record to update: read back, it gives itself; a new run replaces its sections only, in the record\'s order', () => {
    const row = (section: string, name: string): Row => ({ section, name, value: '1 ms', comparison: '', ratio: '', target: '', met: null });
    const record: BenchRecord = {
      runs: [{ date: '2026-11-01', machine: 'm1', sections: ['a', 'c'] }, { date: '2026-11-02', machine: 'm2', sections: ['b'] }],
      rows: [row('a', 'a1'), row('b', 'b1'), row('b', 'b2'), row('c', 'c1')],
    };
    const order = record.rows.map((r) => r.section);
    expect(mergeResults(asResultsFiles(record), order)).toEqual(record);
    const updated = mergeResults([...asResultsFiles(record), { date: '2026-11-03T09:00:00Z', machine: 'm3', rows: [row('c', 'c2'), row('d', 'd1')] }], order);
    expect(updated.rows.map((r) => r.name)).toEqual(['a1', 'b1', 'b2', 'c2', 'd1']);
    expect(updated.runs).toEqual([{ date: '2026-11-01', machine: 'm1', sections: ['a'] }, { date: '2026-11-02', machine: 'm2', sections: ['b'] }, { date: '2026-11-03', machine: 'm3', sections: ['c', 'd'] }]);
    // and the committed record itself
    const committed = JSON.parse(readFileSync(BENCH_FILE, 'utf8')) as BenchRecord;
    expect(mergeResults(asResultsFiles(committed), committed.rows.map((r) => r.section))).toEqual(committed);
  });
});
