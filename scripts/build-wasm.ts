/**
 * Compiles the WebAssembly text beside its loaders (WASM_SOURCES) into the binaries the engine loads
 * (the .wasm beside each), with wabt (the WebAssembly Binary Toolkit's wat2wasm, built for
 * JavaScript). The binaries are committed, so that a run needs no compiler; test/util/wasm.test.ts
 * compiles the texts again and checks that the bytes are the same.
 *
 *   npm run build:wasm
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

/** The text files compiled, from the repository's root. */
export const WASM_SOURCES = ['src/factors/window-sums.wat', 'src/metrics/ranks.wat'];

/** The binary of one text file: SIMD, no names section (the bytes depend on the text alone). */
export async function compileWat(path: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  // The text as bytes in an ArrayBuffer of its own: wabt.js copies a string's UTF-16 units as single
  // bytes (mangling non-ASCII comments), and a view's whole underlying buffer.
  const module = wabt.parseWat(path, new Uint8Array(readFileSync(path)), { simd: true });
  try {
    module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const source of WASM_SOURCES) {
    const bytes = await compileWat(root + source);
    const target = root + source.replace(/\.wat$/, '.wasm');
    writeFileSync(target, bytes);
    console.log(`${source} → ${target.slice(root.length)}: ${bytes.length} bytes`);
  }
}
