/**
 * `npm run mutate:readme -- REPORT=COMMIT …`: the README's mutation-score table from `npm run mutate` results,
 * so that its figures cannot drift from what Stryker measured.
 *
 * 1. Reads each report given, `PATH=COMMIT` (the commit the run tested): Stryker's JSON report
 *    (reports/mutation/mutation.json, the mutation-testing-report schema) or, for a run stopped before its
 *    end, the folder its `event-recorder` reporter wrote (reports/mutation/events: the plan, then one file per
 *    mutant tested; only the files whose every planned mutant was tested are taken). A later report replaces
 *    an earlier one's files (a re-run of the files whose tests changed since the full run).
 * 2. Writes the counts per file, with each run's commit and date, to docs/mutation.json (committed: the
 *    record the README quotes), and the table between the README's `<!-- mutation-table -->` markers.
 * test/readme/mutation-table.test.ts checks that the README holds exactly the table docs/mutation.json gives.
 *
 * The score is Stryker's mutation score: detected / valid, where detected = killed + timed out and valid =
 * detected + survived + no coverage. Ignored mutants (a `Stryker disable` comment that says why the mutant is
 * equivalent, or static ones, reached only while a module loads: `ignoreStatic`) and mutants that do not
 * compile or crash the runner are not valid and not in the score; their counts are shown.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockInReadme, README_FILE, withBlock } from '../bench/readme-table.ts';

export { README_FILE };

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const MUTATION_FILE = join(ROOT, 'docs/mutation.json');
/** The target of issue 22, per file. */
export const TARGET = 90;

export interface FileCounts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Ignored by a `Stryker disable` comment (equivalent mutants; the comment says why). */
  disabled: number;
  /** Ignored as static (reached only at module load; `ignoreStatic`). */
  static: number;
  /** Compile or runtime errors: not valid mutants. */
  errors: number;
}

export interface MutationRecord {
  readonly runs: ReadonlyArray<{ readonly commit: string; readonly date: string; readonly files: number }>;
  /** Per file (path from the repository's root), the counts of the run that measured it last. */
  readonly files: Readonly<Record<string, FileCounts & { readonly run: number }>>;
  /** Files a stopped run had in its plan that no run finished: not in the table. */
  readonly unfinished: readonly string[];
}

interface Mutant { readonly status: string; readonly statusReason?: string }

const empty = (): FileCounts => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, disabled: 0, static: 0, errors: 0 });

function count(into: FileCounts, m: Mutant): void {
  switch (m.status) {
    case 'Killed': into.killed++; break;
    case 'Timeout': into.timeout++; break;
    case 'Survived': into.survived++; break;
    case 'NoCoverage': into.noCoverage++; break;
    case 'Ignored':
      // Stryker's reason for a static mutant under ignoreStatic: "Static mutant (and "ignoreStatic" was enabled)".
      if (/ignoreStatic/.test(m.statusReason ?? '')) into.static++;
      else into.disabled++;
      break;
    case 'CompileError': case 'RuntimeError': into.errors++; break;
    default: throw new Error(`unknown mutant status ${JSON.stringify(m.status)}`);
  }
}

/**
 * One report's counts per file — a Stryker JSON report, or an event-recorder folder (its complete files
 * only) — and the files of a stopped run's plan that it did not finish (none for a JSON report: Stryker
 * writes it at the end).
 */
export function readReport(path: string): { files: Record<string, FileCounts>; unfinished: string[] } {
  const out: Record<string, FileCounts> = {};
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path);
    const planFile = names.find((n) => n.endsWith('-onMutationTestingPlanReady.json'));
    if (!planFile) throw new Error(`${path}: no onMutationTestingPlanReady event (not an event-recorder folder, or the run never started testing)`);
    const planned: Record<string, number> = {};
    const plan = JSON.parse(readFileSync(join(path, planFile), 'utf8')) as { mutantPlans: Array<{ plan: string; mutant: { fileName: string } }> };
    for (const p of plan.mutantPlans) {
      const file = fromRoot(p.mutant.fileName);
      if (p.plan !== 'EarlyResult') planned[file] = (planned[file] ?? 0) + 1;
    }
    const tested: Record<string, number> = {};
    for (const n of names.filter((n) => n.endsWith('-onMutantTested.json')).sort()) {
      const m = JSON.parse(readFileSync(join(path, n), 'utf8')) as Mutant & { fileName: string };
      const file = fromRoot(m.fileName);
      count((out[file] ??= empty()), m);
      // Ignored mutants are early results, not in the plan's count of mutants to run (an uncovered one may be either).
      if (m.status !== 'Ignored') tested[file] = (tested[file] ?? 0) + 1;
    }
    const unfinished = Object.keys(planned).filter((file) => (tested[file] ?? 0) < planned[file]!).sort();
    for (const file of unfinished) delete out[file];
    return { files: out, unfinished };
  }
  const report = JSON.parse(readFileSync(path, 'utf8')) as { files?: Record<string, { mutants: Mutant[] }> };
  if (!report.files || typeof report.files !== 'object') throw new Error(`${path}: not a Stryker JSON report (no "files")`);
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const c = (out[fromRoot(file)] = empty());
    for (const m of mutants) count(c, m);
  }
  return { files: out, unfinished: [] };
}

/** A path from the repository's root (Stryker writes absolute paths in events, sandbox-relative ones in reports). */
function fromRoot(file: string): string {
  if (!file.startsWith('/')) return file;
  const at = file.lastIndexOf('/src/');
  return at >= 0 ? file.slice(at + 1) : relative(ROOT, file);
}

/** Several runs' counts: a later run replaces an earlier one's files. */
export function mergeReports(reports: ReadonlyArray<{ commit: string; date: string; files: Record<string, FileCounts>; unfinished?: readonly string[] }>): MutationRecord {
  const files: Record<string, FileCounts & { run: number }> = {};
  reports.forEach((r, k) => { for (const [f, c] of Object.entries(r.files)) files[f] = { ...c, run: k }; });
  const used = [...new Set(Object.values(files).map((f) => f.run))].sort((a, b) => a - b);
  const renumber = new Map(used.map((k, i) => [k, i]));
  const sorted = Object.fromEntries(Object.keys(files).sort().map((f) => [f, { ...files[f]!, run: renumber.get(files[f]!.run)! }]));
  const unfinished = [...new Set(reports.flatMap((r) => r.unfinished ?? []))].filter((f) => !(f in files)).sort();
  return { runs: used.map((k) => ({ commit: reports[k]!.commit, date: reports[k]!.date, files: Object.values(files).filter((f) => f.run === k).length })), files: sorted, unfinished };
}

/**
 * A record written before (docs/mutation.json) as the reports it was made of, one per run, so that a
 * new run's report can replace some of its files (`npm run mutate:readme -- docs/mutation.json
 * REPORT=COMMIT`) when the earlier runs' reports are no longer at hand.
 */
export function recordAsReports(record: MutationRecord): Array<{ commit: string; date: string; files: Record<string, FileCounts>; unfinished: string[] }> {
  return record.runs.map((r, k) => ({
    commit: r.commit,
    date: r.date,
    files: Object.fromEntries(Object.entries(record.files).filter(([, c]) => c.run === k).map(([f, { run: _run, ...c }]) => [f, c])),
    unfinished: k === record.runs.length - 1 ? [...record.unfinished] : [],
  }));
}

/** Stryker's mutation score, in percent (NaN without a valid mutant). */
export function score(c: FileCounts): number {
  const detected = c.killed + c.timeout;
  const valid = detected + c.survived + c.noCoverage;
  return valid === 0 ? Number.NaN : (100 * detected) / valid;
}

function add(a: FileCounts, b: FileCounts): FileCounts {
  const sum = empty();
  for (const k of Object.keys(sum) as (keyof FileCounts)[]) sum[k] = a[k] + b[k];
  return sum;
}

const fileCount = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
const pct = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(1)} %`);
const row = (name: string, c: FileCounts, mark = '') =>
  `| ${name} | ${pct(score(c))}${mark} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.disabled} | ${c.static} | ${c.errors} |`;
const HEAD = ['| | score | killed | timed out | survived | no coverage | disabled (equivalent) | static | errors |', '|---|---|---|---|---|---|---|---|---|'];

/** The README's text between the markers: the runs, a table per folder, then every file (folded). */
export function renderTable(record: MutationRecord): string {
  const files = Object.entries(record.files);
  const folders = new Map<string, FileCounts>();
  let all = empty();
  for (const [f, c] of files) {
    const folder = `${dirname(f)}/`;
    folders.set(folder, add(folders.get(folder) ?? empty(), c));
    all = add(all, c);
  }
  const below = files.filter(([, c]) => score(c) < TARGET);
  const runs = record.runs.map((r) => `commit ${r.commit} on ${r.date} (${fileCount(r.files)})`).join('; ');
  const mark = (c: FileCounts) => (score(c) < TARGET ? ' ✗' : '');
  const several = record.runs.length > 1;
  return [
    `Measured by \`npm run mutate\`, ${runs}; written here by \`npm run mutate:readme\`. Score: (killed + timed out) / (killed + timed out + survived + no coverage); ✗ below the ${TARGET} % target.`,
    '',
    ...HEAD,
    ...[...folders].map(([folder, c]) => row(`\`${folder}\``, c, mark(c))),
    row(`**all ${files.length} files**`, all),
    '',
    below.length === 0 ? `Every file at ${TARGET} % or more.` : `Below ${TARGET} %: ${below.map(([f, c]) => `\`${f}\` ${pct(score(c))}`).join(', ')}.`,
    ...(record.unfinished.length === 0 ? [] : ['', `Not measured to the end (the run was stopped first), so not in the table: ${fileCount(record.unfinished.length)}, ${record.unfinished.map((f) => `\`${f}\``).join(', ')}.`]),
    '',
    '<details><summary>Every file</summary>',
    '',
    ...(several ? HEAD.map((h, k) => `${h}${k === 0 ? ' run |' : '---|'}`) : HEAD),
    ...files.map(([f, c]) => `${row(`\`${f}\``, c, mark(c))}${several ? ` ${record.runs[c.run]!.commit} |` : ''}`),
    '',
    '</details>',
  ].join('\n');
}

/** The README with its mutation table replaced. */
export const withTable = (readme: string, table: string): string => withBlock(readme, 'mutation-table', table);

/** The mutation table as the README holds it now. */
export const tableInReadme = (readme: string): string => blockInReadme(readme, 'mutation-table');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    process.stderr.write('usage: npm run mutate:readme -- [docs/mutation.json] REPORT=COMMIT … (REPORT: reports/mutation/mutation.json or an event-recorder folder; later reports replace earlier ones\' files; docs/mutation.json first: its runs as the earliest reports)\n');
    process.exit(2);
  }
  const base = args[0] === 'docs/mutation.json' || args[0] === MUTATION_FILE ? recordAsReports(JSON.parse(readFileSync(MUTATION_FILE, 'utf8')) as MutationRecord) : [];
  const reports = [...base, ...args.slice(base.length ? 1 : 0).map((arg) => {
    const eq = arg.lastIndexOf('=');
    const path = eq > 0 ? arg.slice(0, eq) : arg, commit = eq > 0 ? arg.slice(eq + 1) : '';
    if (!/^[0-9a-f]{7,40}$/.test(commit)) { process.stderr.write(`${arg}: give the commit the run tested, as PATH=COMMIT (7 to 40 hex digits)\n`); process.exit(2); }
    if (!existsSync(path)) { process.stderr.write(`${path}: no such report\n`); process.exit(2); }
    return { commit, date: statSync(path).mtime.toISOString().slice(0, 10), ...readReport(path) };
  })];
  const record = mergeReports(reports);
  writeFileSync(MUTATION_FILE, `${JSON.stringify(record, null, 1)}\n`);
  writeFileSync(README_FILE, withTable(readFileSync(README_FILE, 'utf8'), renderTable(record)));
  process.stdout.write(`${renderTable(record)}\n`);
}
