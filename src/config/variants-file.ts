import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Strategy } from '../strategy/types.ts';
import { firstLine, UsageError } from '../errors.ts';
import type { ParamValue } from './grid.ts';
import { checkParamKey, parseParamValue } from './params.ts';

/**
 * `--variants FILE`: an explicit list of parameter sets, as JSON (an array of objects) or CSV
 * (a header of parameter names, one variant per row). Each value is checked like `--param`.
 */
export function readVariantsFile(strategy: Strategy, file: string): Map<string, ParamValue>[] {
  if (!existsSync(file)) throw new UsageError(`--variants ${file}: no such file`, 'E_BAD_VARIANTS');
  const text = readFileSync(file, 'utf8');
  let rows: Record<string, unknown>[];
  try {
    if (extname(file).toLowerCase() === '.json') {
      const data: unknown = JSON.parse(text);
      if (!Array.isArray(data) || data.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) throw new Error('expected an array of objects');
      rows = data as Record<string, unknown>[];
    } else {
      rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    }
  } catch (err) {
    throw new UsageError(`--variants ${file}: ${firstLine(err)}`, 'E_BAD_VARIANTS');
  }
  if (rows.length === 0) throw new UsageError(`--variants ${file}: no variant in the file`, 'E_BAD_VARIANTS');
  return rows.map((row, k) => {
    const values = new Map<string, ParamValue>();
    for (const [key, raw] of Object.entries(row)) {
      checkParamKey(strategy, key, `--variants ${file} (variant ${k + 1})`);
      values.set(key, parseParamValue(strategy, key, String(raw), `--variants ${file} (variant ${k + 1})`));
    }
    return values;
  });
}
