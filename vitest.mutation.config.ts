import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutate` runs against each mutant: the in-process tests of the engine's core
 * (broker, runner, factors, metrics, the Supabase retry policy and breaker, upload batches).
 * Tests that spawn the CLI or workers are left out: a mutant lives only in Stryker's test process,
 * so they cannot see it, and they would make every run minutes longer. So are the end-to-end
 * upload tests (test/upload/upload-run.test.ts, tens of seconds over a local PostgREST): every
 * mutant of a module-level constant (a static mutant) reruns all the tests that import it.
 */
export default defineConfig({
  test: {
    include: [
      'test/broker/**/*.test.ts',
      'test/runner/**/*.test.ts',
      'test/factors/**/*.test.ts',
      'test/metrics/**/*.test.ts',
      'test/vopa/kernels.test.ts',
      'test/vopa/diagnostics.test.ts',
      'test/vopa/strategy.test.ts',
      'test/supabase/breaker*.test.ts',
      'test/supabase/retry*.test.ts',
      'test/upload/batches.test.ts',
      'test/upload/journal.test.ts',
    ],
    // setup.test.ts spawns the CLI; no-look-ahead.test.ts is a property test of many whole runs
    // (seconds for every mutant it reaches); the runner's own tests check the same code directly.
    exclude: ['test/runner/setup.test.ts', 'test/runner/no-look-ahead.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
