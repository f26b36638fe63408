import { mkdirSync } from 'node:fs';
import { openDuck } from '../source/local/duckdb.ts';
import { appendPrices, appendUniverse, createTables, writeParquetStore } from '../source/import/write-store.ts';
import { generateSampleMarket, SAMPLE_SPEC, sampleRows, type SampleMarket } from './generator.ts';

/**
 * Writes the sample market into `dir` as prices.parquet and universe.parquet (`npm run sample`).
 * The same DuckDB writes the same bytes (write-store.ts fixes every option), and a file that
 * already holds the same rows is left untouched, so regenerating the committed files with
 * another DuckDB version does not change them either. Returns the files written.
 */
export async function writeSampleStore(dir: string, market: SampleMarket = generateSampleMarket(SAMPLE_SPEC)): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const duck = await openDuck();
  try {
    await createTables(duck);
    await appendPrices(duck, sampleRows(market));
    await appendUniverse(duck, market.universe.map((r) => ({ ...r })));
    return await writeParquetStore(duck, dir);
  } finally {
    duck.close();
  }
}
