import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, folderOf, importGraph } from './import-graph.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const graph = importGraph(root, ['src', 'strategies']);

/** Every (importer, imported) pair across folders, e.g. `writers/results.ts → app/variant.ts`. */
function crossings(from: (folder: string) => boolean, to: (folder: string) => boolean): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    for (const t of targets) if (from(folderOf(file)) && to(folderOf(t)) && folderOf(file) !== folderOf(t)) out.push(`${file} → ${t}`);
  }
  return out;
}

describe('the house: imports flow one way', () => {
  it('reads the graph (a guard against a parser that finds nothing)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/app/backtest.ts')).toContain('src/runner/factor-cache.ts');
    expect(graph.get('src/api.ts')).toContain('src/strategy/types.ts');
  });

  it('no two modules import each other, directly or around a loop (type imports included)', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('engine code never imports the public strategy API (it re-exports the engine, never the reverse)', () => {
    expect([...graph].filter(([file, t]) => file.startsWith('src/') && file !== 'src/api.ts' && t.includes('src/api.ts')).map(([f]) => f)).toEqual([]);
  });

  it('only the CLI imports the app, and nothing imports the CLI', () => {
    expect(crossings((f) => f !== 'cli', (t) => t === 'app')).toEqual([]);
    expect(crossings((f) => f !== 'cli', (t) => t === 'cli')).toEqual([]);
  });

  it('the stages never reach up into the executors or the readers of run folders', () => {
    const stages = new Set(['config', 'source', 'panel', 'runner', 'broker', 'recorder', 'metrics', 'statistics', 'writers', 'factors', 'strategy', 'upload', 'supabase']);
    const above = new Set(['app', 'cli', 'variants', 'distributed', 'inspect', 'report']);
    expect(crossings((f) => stages.has(f), (t) => above.has(t))).toEqual([]);
  });
});
