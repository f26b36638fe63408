import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Tests over a local PostgREST: seconds each, so they run last. */
const SLOW = /test\/upload\/batches\.test\.ts$/;

/**
 * Quick, focused test files first: Stryker stops at a mutant's first failing test, and vitest's
 * own order (slowest first) would make almost every mutant pay for the slow ones.
 */
class QuickFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const slow = (f: TestSpecification) => (SLOW.test(f.moduleId) ? 1 : 0);
    return [...files].sort((a, b) => slow(a) - slow(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

/**
 * The tests `npm run mutate` runs against each mutant: the in-process tests of the engine's core
 * (broker, runner, factors, metrics, the Supabase retry policy and breaker, upload batches) and of
 * the modules later issues added beside it (the overfitting statistics, the walk-forward, the
 * point-in-time universe: test/statistics, test/walkforward, test/panel — all in process, seconds
 * in all; test/walkforward/record.test.ts runs the stitched record that the CLI's walk-forward tests
 * check end to end, where no mutant can be seen).
 * Tests that spawn the CLI or workers are left out: a mutant lives only in Stryker's test process,
 * so they cannot see it, and they would make every run minutes longer. So are the end-to-end
 * upload tests (test/upload/upload-run.test.ts, tens of seconds over a local PostgREST): every
 * mutant of a module-level constant (a static mutant) reruns all the tests that import it. And so
 * are the VOPA tests over the whole sample market (test/vopa/kernels.test.ts, strategy.test.ts):
 * seconds for every mutant of the factors and the simulation, whose own tests check the same code
 * directly (test/factors/, test/runner/). Leaving tests out can only lower the score: the table is
 * a lower bound of what `npm test` would catch.
 */
export default defineConfig({
  test: {
    include: [
      'test/broker/**/*.test.ts',
      'test/runner/**/*.test.ts',
      'test/factors/**/*.test.ts',
      'test/metrics/**/*.test.ts',
      'test/statistics/**/*.test.ts',
      'test/walkforward/**/*.test.ts',
      'test/panel/**/*.test.ts',
      'test/vopa/diagnostics.test.ts',
      'test/variants/sma-sweep.test.ts',
      'test/supabase/breaker*.test.ts',
      'test/supabase/retry*.test.ts',
      'test/upload/batches.test.ts',
      'test/upload/journal.test.ts',
    ],
    // setup.test.ts spawns the CLI; no-look-ahead.test.ts is a property test of many whole runs
    // (seconds for every mutant it reaches); the runner's own tests check the same code directly.
    exclude: ['test/runner/setup.test.ts', 'test/runner/no-look-ahead.test.ts'],
    // Instrumented for per-test coverage and on a busy 2-core machine, the heaviest statistical tests
    // (the bootstrap's coverage over 400 datasets) ran past a minute in the first, unmutated run.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    sequence: { sequencer: QuickFirst },
  },
});
