/**
 * Regenerates the embedded sample market in data/sample/ from its seeded generator:
 *   npm run sample
 * The output is deterministic, byte for byte, and a file already holding the same rows is left
 * untouched (so git stays clean); test/sample/sample-data.test.ts checks that the committed files
 * hold exactly what the generator makes.
 */
import { fileURLToPath } from 'node:url';
import { storeFingerprint } from '../src/sample/fingerprint.ts';
import { generateSampleMarket, SAMPLE_SPEC, sampleRows } from '../src/sample/generator.ts';
import { writeSampleStore } from '../src/sample/store.ts';

const dir = fileURLToPath(new URL('../data/sample/', import.meta.url));
const market = generateSampleMarket(SAMPLE_SPEC);
const written = await writeSampleStore(dir, market);
console.log(`${dir}: ${market.symbols.length} symbols, ${market.days.length} days; ${written.length ? `wrote ${written.map((f) => f.slice(dir.length)).join(', ')}` : 'unchanged (the files already hold these rows)'}`);
console.log(`content fingerprint ${storeFingerprint(sampleRows(market), market.universe)}`);
