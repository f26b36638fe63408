/**
 * Regenerates the embedded sample market in data/sample/ from its seeded generator:
 *   npm run sample
 * The output is deterministic; test/sample/sample-data.test.ts checks that the committed files
 * hold exactly what the generator makes.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSampleMarket, SAMPLE_SPEC, sampleRows } from '../src/sample/generator.ts';
import { storeFingerprint } from '../src/sample/fingerprint.ts';
import { openDuck } from '../src/source/local/duckdb.ts';
import { appendPrices, appendUniverse, createTables, writeParquetStore } from '../src/source/import/write-store.ts';

const dir = fileURLToPath(new URL('../data/sample/', import.meta.url));
const market = generateSampleMarket(SAMPLE_SPEC);
const universe = market.universe.map((r) => ({ ...r }));
mkdirSync(dir, { recursive: true });
const duck = await openDuck();
try {
  await createTables(duck);
  await appendPrices(duck, sampleRows(market));
  await appendUniverse(duck, universe);
  await writeParquetStore(duck, dir);
} finally {
  duck.close();
}
console.log(`wrote ${dir}: ${market.symbols.length} symbols, ${market.days.length} days`);
console.log(`content fingerprint ${storeFingerprint(sampleRows(market), universe)}`);
