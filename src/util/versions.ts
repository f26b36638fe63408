import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function ownVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Versions recorded in every manifest. */
export function versions(): Record<string, string> {
  return { 'vopa-backtest': ownVersion(), node: process.versions.node, '@duckdb/node-api': packageVersion('@duckdb/node-api') };
}

/** The code that computes a run's numbers: this package's version and Node's major version (V8's `Math` may differ between majors). */
export interface EngineVersion {
  readonly version: string;
  readonly node: number;
}

/**
 * This process's engine, which every worker of a distributed run must share with its coordinator.
 * `BACKTEST_TEST_VERSION` replaces the package version — for tests only (a worker "of another
 * version" without installing one).
 *
 * @example engineVersion() // { version: '0.1.0', node: 24 }
 */
export function engineVersion(env: NodeJS.ProcessEnv = process.env): EngineVersion {
  return { version: env.BACKTEST_TEST_VERSION || ownVersion(), node: Number(process.versions.node.split('.')[0]) };
}
