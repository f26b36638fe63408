import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Strategy } from './types.ts';
import { firstLine, UsageError } from '../errors.ts';

/** The built-in strategies' folder (strategies/ at the package root). */
export const STRATEGIES_DIR = fileURLToPath(new URL('../../strategies/', import.meta.url));

export interface LoadedStrategy {
  readonly strategy: Strategy;
  /** The name it was asked by, or the file it came from. */
  readonly source: string;
  readonly builtin: boolean;
}

/** Names of the built-in strategies, sorted. */
export function builtinStrategies(): string[] {
  return readdirSync(STRATEGIES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

/** Loads `--strategy NAME|PATH`: a built-in by name, or a TypeScript/JavaScript module by path. */
export async function loadStrategy(spec: string, cwd = process.cwd()): Promise<LoadedStrategy> {
  const isPath = spec.includes('/') || spec.includes('\\') || ['.ts', '.js', '.mts', '.mjs'].includes(extname(spec));
  let file: string;
  if (isPath) {
    file = isAbsolute(spec) ? spec : resolve(cwd, spec);
    if (!existsSync(file)) throw new UsageError(`--strategy ${spec}: no such file`, 'E_UNKNOWN_STRATEGY');
  } else {
    const names = builtinStrategies();
    if (!names.includes(spec)) {
      throw new UsageError(`unknown strategy "${spec}"; available: ${names.join(', ')} (or a path to a .ts file)`, 'E_UNKNOWN_STRATEGY');
    }
    file = resolve(STRATEGIES_DIR, `${spec}.ts`);
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new UsageError(`--strategy ${spec}: cannot load ${file}: ${firstLine(err)}`, 'E_BAD_STRATEGY', { cause: err });
  }
  const strategy = mod.default as Strategy | undefined;
  const problem = checkShape(strategy);
  if (problem) throw new UsageError(`--strategy ${spec}: ${problem}`, 'E_BAD_STRATEGY');
  return { strategy: strategy!, source: isPath ? file : spec, builtin: !isPath };
}

function checkShape(s: unknown): string | undefined {
  if (!s || typeof s !== 'object') return 'the module has no default export (export default defineStrategy({ … }))';
  const o = s as Record<string, unknown>;
  if (typeof o.name !== 'string' || !o.name) return 'the strategy has no name';
  if (!o.params || typeof o.params !== 'object') return `strategy ${o.name} has no params object`;
  if (typeof o.warmup !== 'function') return `strategy ${o.name} has no warmup(params) function`;
  if (typeof o.decide !== 'function') return `strategy ${o.name} has no decide(bar, params, ctx) function`;
  return undefined;
}
