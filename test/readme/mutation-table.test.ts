import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MUTATION_FILE, mergeReports, readReport, README_FILE, recordAsReports, renderTable, score, tableInReadme, withTable, type MutationRecord } from '../../scripts/mutation-table.ts';

/**
 * The README's mutation table is docs/mutation.json, the record of `npm run mutate` runs that
 * `npm run mutate:readme` wrote: the README must hold exactly that table (no figure edited by hand).
 */
describe("the README's mutation table", () => {
  it('is exactly the one docs/mutation.json gives (run `npm run mutate:readme` after a mutation run)', () => {
    const record = JSON.parse(readFileSync(MUTATION_FILE, 'utf8')) as MutationRecord;
    expect(Object.keys(record.files).length).toBeGreaterThan(10);
    expect(tableInReadme(readFileSync(README_FILE, 'utf8'))).toBe(renderTable(record));
  });
});

describe('mutation-table: a record as the base of a new run', () => {
  it('gives back the reports it was made of: merged again, the same record; a later report replaces its files', () => {
    const c = (killed: number) => ({ killed, timeout: 0, survived: 1, noCoverage: 0, disabled: 0, static: 0, errors: 0 });
    const record = mergeReports([
      { commit: 'aaaaaaa', date: '2026-11-01', files: { 'src/a.ts': c(1), 'src/b.ts': c(2) } },
      { commit: 'bbbbbbb', date: '2026-11-02', files: { 'src/b.ts': c(3), 'src/c.ts': c(4) }, unfinished: ['src/d.ts'] },
    ]);
    expect(record.runs.map((r) => r.files)).toEqual([1, 2]);
    expect(mergeReports(recordAsReports(record))).toEqual(record);
    const again = mergeReports([...recordAsReports(record), { commit: 'ccccccc', date: '2026-11-03', files: { 'src/a.ts': c(9), 'src/d.ts': c(5) } }]);
    expect(again.runs).toEqual([{ commit: 'bbbbbbb', date: '2026-11-02', files: 2 }, { commit: 'ccccccc', date: '2026-11-03', files: 2 }]);
    expect(again.files['src/a.ts']).toEqual({ ...c(9), run: 1 });
    expect(again.files['src/b.ts']).toEqual({ ...c(3), run: 0 });
    expect(again.unfinished).toEqual([]); // d measured now
    // The README's own record, read back through it, renders the same table.
    const mine = JSON.parse(readFileSync(MUTATION_FILE, 'utf8')) as MutationRecord;
    expect(renderTable(mergeReports(recordAsReports(mine)))).toBe(renderTable(mine));
  });
});

describe('mutation-table: counting a run', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'vopa-mutation-table-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("Stryker's score: (killed + timed out) over (those + survived + no coverage); ignored and errors left out", () => {
    const c = { killed: 6, timeout: 1, survived: 2, noCoverage: 1, disabled: 5, static: 3, errors: 4 };
    expect(score(c)).toBe(70); // 7 detected of 10 valid, by hand
    expect(score({ ...c, killed: 0, timeout: 0, survived: 0, noCoverage: 0 })).toBeNaN();
  });

  it('reads a JSON report: every status counted, a static mutant told from a disabled one by its reason', () => {
    const mutants = (statuses: string[]) => statuses.map((status, id) => ({ id: String(id), status, mutatorName: 'X', location: {}, ...(status === 'Ignored' ? { statusReason: id % 2 ? 'Static mutant (and "ignoreStatic" was enabled)' : 'equivalent: why' } : {}) }));
    const path = join(dir, 'mutation.json');
    writeFileSync(path, JSON.stringify({ schemaVersion: '1', files: {
      'src/a/one.ts': { mutants: mutants(['Killed', 'Killed', 'Survived', 'Ignored', 'Ignored', 'Timeout', 'NoCoverage', 'CompileError']) },
      'src/b/two.ts': { mutants: mutants(['Killed']) },
    } }));
    const r = readReport(path).files;
    expect(r['src/a/one.ts']).toEqual({ killed: 2, timeout: 1, survived: 1, noCoverage: 1, disabled: 1, static: 1, errors: 1 });
    expect(r['src/b/two.ts']).toEqual({ killed: 1, timeout: 0, survived: 0, noCoverage: 0, disabled: 0, static: 0, errors: 0 });
    writeFileSync(path, JSON.stringify({ files: { 'src/c.ts': { mutants: mutants(['Pending']) } } }));
    expect(() => readReport(path)).toThrow('unknown mutant status "Pending"');
    writeFileSync(path, '{}');
    expect(() => readReport(path)).toThrow('not a Stryker JSON report');
  });

  it("reads an event-recorder folder of a stopped run: only the files whose every planned mutant was tested", () => {
    const events = join(dir, 'events');
    mkdirSync(events);
    const sandbox = '/x/.stryker-tmp/sandbox-1/src';
    const plan = (file: string, plan: string) => ({ plan, mutant: { fileName: `${sandbox}/${file}` } });
    writeFileSync(join(events, '00003-onMutationTestingPlanReady.json'), JSON.stringify({ mutantPlans: [
      plan('done.ts', 'Run'), plan('done.ts', 'Run'), plan('done.ts', 'Run'), plan('done.ts', 'EarlyResult'), plan('half.ts', 'Run'), plan('half.ts', 'Run'),
    ] }));
    // An uncovered mutant is planned to run (and reported NoCoverage); an ignored one is an early result.
    const tested = [['done.ts', 'Killed'], ['done.ts', 'Survived'], ['done.ts', 'NoCoverage'], ['done.ts', 'Ignored'], ['half.ts', 'Killed'], ['half.ts', 'Ignored']];
    tested.forEach(([file, status], k) => writeFileSync(join(events, `${String(10 + k).padStart(5, '0')}-onMutantTested.json`), JSON.stringify({ fileName: `${sandbox}/${file}`, status })));
    const stoppedRun = readReport(events);
    expect(stoppedRun.files).toEqual({ 'src/done.ts': { killed: 1, timeout: 0, survived: 1, noCoverage: 1, disabled: 1, static: 0, errors: 0 } });
    expect(stoppedRun.unfinished).toEqual(['src/half.ts']);
    // named below the table unless a later run measured it
    const c = { killed: 1, timeout: 0, survived: 0, noCoverage: 0, disabled: 0, static: 0, errors: 0 };
    const stopped = { commit: 'aaaaaaa', date: '2026-11-01', ...stoppedRun };
    expect(renderTable(mergeReports([stopped]))).toContain('so not in the table: 1 file, `src/half.ts`.');
    expect(mergeReports([stopped, { commit: 'bbbbbbb', date: '2026-11-02', files: { 'src/half.ts': c } }]).unfinished).toEqual([]);
  });

  it('a later run replaces an earlier one\'s files; a run no file comes from is not listed', () => {
    const c = (killed: number, survived: number) => ({ killed, timeout: 0, survived, noCoverage: 0, disabled: 0, static: 0, errors: 0 });
    const record = mergeReports([
      { commit: 'aaaaaaa', date: '2026-11-01', files: { 'src/m/x.ts': c(5, 5), 'src/m/y.ts': c(9, 1) } },
      { commit: 'bbbbbbb', date: '2026-11-02', files: { 'src/m/z.ts': c(1, 0) } },
      { commit: 'ccccccc', date: '2026-11-03', files: { 'src/m/x.ts': c(19, 1), 'src/m/z.ts': c(3, 1) } },
    ]);
    expect(record.runs).toEqual([{ commit: 'aaaaaaa', date: '2026-11-01', files: 1 }, { commit: 'ccccccc', date: '2026-11-03', files: 2 }]);
    expect(record.files['src/m/x.ts']).toEqual({ ...c(19, 1), run: 1 });
    expect(record.files['src/m/y.ts']!.run).toBe(0);
    const table = renderTable(record);
    // the folder: 19 + 9 + 3 killed of 19 + 1 + 9 + 1 + 3 + 1 = 34 valid
    expect(table).toContain(`| \`src/m/\` | ${(100 * 31 / 34).toFixed(1)} % | 31 | 0 | 3 | 0 | 0 | 0 | 0 |`);
    expect(table).toContain('Below 90 %: `src/m/z.ts` 75.0 %.');
    expect(table).toContain('| `src/m/z.ts` | 75.0 % ✗ | 3 | 0 | 1 | 0 | 0 | 0 | 0 | ccccccc |');
    expect(table).toContain('| `src/m/y.ts` | 90.0 % | 9 | 0 | 1 | 0 | 0 | 0 | 0 | aaaaaaa |'); // which run measured each file
    expect(table).toContain('commit aaaaaaa on 2026-11-01 (1 file); commit ccccccc on 2026-11-03 (2 files)');
    expect(withTable('a\n<!-- mutation-table:start -->\nold\n<!-- mutation-table:end -->\nb', 'new')).toBe('a\n<!-- mutation-table:start -->\nnew\n<!-- mutation-table:end -->\nb');
    expect(() => withTable('none', 'new')).toThrow('markers');
  });
});
