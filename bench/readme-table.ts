/**
 * `npm run bench:readme [-- FILE.json …]`: the README's performance table from `npm run bench` results,
 * so that its figures cannot drift from what was measured.
 *
 * 1. Reads the results files given (default: bench/results/latest.json). Sections may come from several
 *    runs (`npm run bench -- --only load` on a quieter moment): for each section, the rows of the last
 *    file that has it are kept, in the bench's own order of sections. docs/bench.json itself may be
 *    given first, as the record to update: each of its runs counts as the results file it came from
 *    (`npm run bench:readme -- docs/bench.json bench/results/latest.json` replaces the sections of
 *    the last run only).
 * 2. Writes them, with each run's date and machine, to docs/bench.json (committed: the record the README
 *    quotes), and the table between the README's `<!-- bench-table -->` markers.
 * test/readme/bench-table.test.ts checks that the README holds exactly the table docs/bench.json gives.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './lib.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const BENCH_FILE = join(ROOT, 'docs/bench.json');
export const README_FILE = join(ROOT, 'README.md');

export interface BenchRecord {
  /** Each section's run: its date (YYYY-MM-DD) and machine. */
  readonly runs: ReadonlyArray<{ readonly date: string; readonly machine: string; readonly sections: readonly string[] }>;
  readonly rows: readonly Row[];
}

interface ResultsFile { readonly date: string; readonly machine: string; readonly rows: readonly Row[] }

/** A results file, or docs/bench.json's record as the results files of its runs (its rows by their run's sections). */
export function asResultsFiles(parsed: ResultsFile | BenchRecord): ResultsFile[] {
  if (!('runs' in parsed)) return [parsed];
  return parsed.runs.map((run) => ({ date: run.date, machine: run.machine, rows: parsed.rows.filter((r) => run.sections.includes(r.section)) }));
}

/**
 * The sections of several results files, the last file's rows for each section, in the order they
 * first appear (`sectionOrder` first: docs/bench.json's, when it is the record being updated).
 */
export function mergeResults(files: readonly ResultsFile[], sectionOrder: readonly string[] = []): BenchRecord {
  const order: string[] = [...new Set(sectionOrder)];
  const bySection = new Map<string, { rows: Row[]; run: number }>();
  files.forEach((f, k) => {
    const seen = new Map<string, Row[]>();
    for (const r of f.rows) {
      if (!seen.has(r.section)) seen.set(r.section, []);
      seen.get(r.section)!.push(r);
    }
    for (const [section, rows] of seen) {
      if (!order.includes(section)) order.push(section);
      bySection.set(section, { rows, run: k });
    }
  });
  const sections = order.filter((s) => bySection.has(s)); // (a section of the given order that no file has is dropped)
  const used = [...new Set([...bySection.values()].map((s) => s.run))].sort((a, b) => a - b);
  const runs = used.map((k) => ({ date: files[k]!.date.slice(0, 10), machine: files[k]!.machine, sections: sections.filter((s) => bySection.get(s)!.run === k) }));
  return { runs, rows: sections.flatMap((s) => bySection.get(s)!.rows) };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The README's text between the markers: the runs, then one markdown table. */
export function renderTable(record: BenchRecord): string {
  const runs = record.runs.length === 1
    ? `on ${record.runs[0]!.date}, ${record.runs[0]!.machine}`
    : `(${record.runs.map((r) => `${r.sections.join(', ')}: ${r.date}, ${r.machine}`).join('; ')})`;
  const lines = [
    `Measured ${runs}, by \`npm run bench\`; written here by \`npm run bench:readme\`:`,
    '',
    '| section | measurement | median | compared with | ratio | target |',
    '|---|---|---|---|---|---|',
    ...record.rows.map((r) => `| ${[r.section, r.name, r.value, r.comparison, r.ratio, r.target ? `${r.target} ${r.met ? '✓' : '✗'}` : ''].map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** The README with the block between `<!-- NAME:start -->` and `<!-- NAME:end -->` replaced (the markers must be there). */
export function withBlock(readme: string, name: string, text: string): string {
  const { a, b, start } = markers(readme, name);
  return `${readme.slice(0, a + start.length)}\n${text}\n${readme.slice(b)}`;
}

/** The block between the README's `<!-- NAME:start -->` and `<!-- NAME:end -->` markers, as it is now. */
export function blockInReadme(readme: string, name: string): string {
  const { a, b, start } = markers(readme, name);
  return readme.slice(a + start.length, b).trim();
}

function markers(readme: string, name: string): { a: number; b: number; start: string } {
  const start = `<!-- ${name}:start -->`, end = `<!-- ${name}:end -->`;
  const a = readme.indexOf(start), b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} markers`);
  return { a, b, start };
}

/** The README with its performance table replaced. */
export const withTable = (readme: string, table: string): string => withBlock(readme, 'bench-table', table);

/** The performance table as the README holds it now. */
export const tableInReadme = (readme: string): string => blockInReadme(readme, 'bench-table');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const given = process.argv.slice(2);
  const paths = given.length ? given : [join(ROOT, 'bench/results/latest.json')];
  const parsed = paths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as ResultsFile | BenchRecord);
  const sectionOrder = parsed.flatMap((f) => ('runs' in f ? f.rows.map((r) => r.section) : []));
  const record = mergeResults(parsed.flatMap(asResultsFiles), sectionOrder);
  writeFileSync(BENCH_FILE, `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(README_FILE, withTable(readFileSync(README_FILE, 'utf8'), renderTable(record)));
  console.log(`docs/bench.json and the README's table: ${record.rows.length} rows from ${record.runs.length} run(s)`);
}
