import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileWat, WASM_SOURCES } from '../../scripts/build-wasm.ts';
import { instantiate, layout, wasmModule } from '../../src/util/wasm.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('the WebAssembly loops', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'wasm-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(WASM_SOURCES)('%s: the committed binary is what `npm run build:wasm` makes of the text', async (source) => {
    const built = await compileWat(ROOT + source);
    expect(Buffer.from(built).equals(readFileSync(ROOT + source.replace(/\.wat$/, '.wasm')))).toBe(true);
  });

  it('compiles text whose comments are not ASCII (wabt.js would mangle them as a string: ⌊ became a line break)', async () => {
    const path = join(dir, 'floor.wat');
    writeFileSync(path, ';; ⌊x⌋ · 2⁻⁸⁸ — Σ\n(module (func (export "f") (param f64) (result f64) (f64.floor (local.get 0))))\n');
    writeFileSync(join(dir, 'floor.wasm'), await compileWat(path));
    const { exports } = instantiate<{ f: (x: number) => number }>(wasmModule(new URL(`file://${dir}/floor.wasm`)), 0, 'a test');
    expect(exports.f(2.7)).toBe(2);
  });

  it('lays blocks out 16 bytes apart at least, and instantiates over a memory that holds them', () => {
    expect(layout([8, 24, 16, 1])).toEqual({ at: [0, 16, 48, 64], bytes: 80 });
    const path = join(dir, 'store.wat');
    writeFileSync(path, '(module (import "env" "memory" (memory 1)) (func (export "put") (param i32 f64) (f64.store (local.get 0) (local.get 1))))\n');
    return compileWat(path).then((bytes) => {
      writeFileSync(join(dir, 'store.wasm'), bytes);
      const { exports, buffer } = instantiate<{ put: (at: number, x: number) => void }>(wasmModule(new URL(`file://${dir}/store.wasm`)), 200_000, 'a test');
      expect(buffer.byteLength).toBe(4 * 65536); // 200,000 bytes: 4 pages of 64 KiB
      exports.put(199_992, 1.5);
      expect(new Float64Array(buffer, 199_992, 1)[0]).toBe(1.5);
    });
  });

  it('refuses a memory beyond 4 GiB, naming what needed it', () => {
    expect(() => instantiate(wasmModule(new URL('../../src/factors/window-sums.wasm', import.meta.url)), 2 ** 32 + 1, 'a window of 9 days')).toThrow("a window of 9 days takes 4294967297 bytes, beyond WebAssembly's 4 GiB");
  });
});
