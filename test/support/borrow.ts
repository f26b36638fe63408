import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { tempDir } from './cli.ts';

/** A data folder with the sample market's prices and universe (symlinks) and `borrow` as its borrow.csv (null: none). */
export function sampleWithBorrow(borrow: string | null): string {
  const dir = tempDir('vopa-borrow-');
  for (const f of ['prices.parquet', 'universe.parquet']) symlinkSync(join(SAMPLE_DATA_DIR, f), join(dir, f));
  if (borrow !== null) writeFileSync(join(dir, 'borrow.csv'), borrow);
  return dir;
}
