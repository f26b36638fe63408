// Mutation testing of the engine's core: `npm run mutate` (not part of `npm test` or CI: it takes many
// minutes). Reports: reports/mutation/mutation.json (the standard mutation-testing-report schema) and
// the clear-text table on stdout. One file while iterating: `npm run mutate -- --mutate src/broker/rebalance.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/broker/**/*.ts',
    'src/runner/**/*.ts',
    'src/factors/**/*.ts',
    'src/metrics/**/*.ts',
    'src/supabase/retry-policy.ts',
    'src/supabase/breaker.ts',
    'src/upload/batches.ts',
    'src/statistics/**/*.ts',
    'src/walkforward/**/*.ts',
    'src/panel/universe.ts',
    'src/panel/eligibility.ts',
    // re-exports only
    '!src/broker/index.ts',
    '!src/statistics/index.ts',
    '!src/walkforward/index.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // The vitest runner always measures coverage per test: each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // A "static" mutant is one whose code ran outside every test: while a module loads (a module-level
  // constant) or in a beforeAll hook (the vitest runner credits coverage to a test from its beforeEach
  // on). Stryker cannot switch such a mutant on at run time, so it reruns every test for each one, and
  // here they were 3,337 of 7,335 mutants and an estimated 96 % of a run that would have taken a day.
  // The tests now build what they check in beforeEach or in the test itself (test/walkforward/
  // record.test.ts and the others), which leaves under 300 static mutants, mostly module-level tables
  // and constants. Those are reported as Ignored (their count is in the report and the README's table),
  // not run; a mutant reached both at load and in a test still runs, against the tests that reach it.
  ignoreStatic: true,
  // TypeScript here is v7, which has no JavaScript API. Stryker's TypeScript checker (not installed) and
  // its tsconfig rewriting both load that API, so: no checkers, and `tsconfigFile` names a file that does
  // not exist, which turns the rewriting off. Vitest strips the types itself, so nothing else needs tsc.
  checkers: [],
  tsconfigFile: 'stryker-has-no-tsconfig.json',
  // 2 shared cores on the development machines. A busy machine slows tests down several times:
  // generous timeouts keep a slow run from counting as a killed mutant (an endless loop is still
  // cut short by Stryker's hit limit, not by the timeout).
  concurrency: 2,
  timeoutMS: 10_000,
  // The first, unmutated run of every test (with per-test coverage) takes about 5 minutes on a busy
  // 2-core machine: Stryker's default limit of 5 minutes cut it short.
  dryRunTimeoutMinutes: 30,
  timeoutFactor: 1.5,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['results', 'reports', 'bench/results', 'docs', '.stryker-tmp', '/tmp'],
  thresholds: { high: 90, low: 80, break: null },
};
