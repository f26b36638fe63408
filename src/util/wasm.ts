import { readFileSync } from 'node:fs';

/**
 * The engine's few WebAssembly loops (compiled from the .wat beside each by `npm run build:wasm`):
 * a module is compiled once a thread, and each user gets an instance over a memory of its own.
 */

/** What the engine uses of the WebAssembly global (TypeScript types it in the DOM library only, which the project does not load). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
};

/** The modules this thread has compiled, by file: kept for the thread's life. */
const compiled = new Map<string, object>();

/**
 * The compiled module of the .wasm file at `url` (new URL('./x.wasm', import.meta.url) beside its
 * loader): compiled on this thread's first call, then the same one (not at start-up; and while a thread
 * keeps it, V8 shares its code with the other threads that compile the same bytes).
 */
export function wasmModule(url: URL): object {
  let module = compiled.get(url.href);
  if (!module) compiled.set(url.href, (module = new WebAssembly.Module(readFileSync(url))));
  return module;
}

/** A memory of `bytes` (at most 4 GiB: WebAssembly's addresses are 32-bit), what it holds, and the module's exports over it. */
export function instantiate<T>(module: object, bytes: number, what: string): { exports: T; buffer: ArrayBuffer } {
  if (bytes > 2 ** 32) throw new RangeError(`${what} takes ${bytes} bytes, beyond WebAssembly's 4 GiB`);
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  return { exports: exports as T, buffer: memory.buffer };
}

/** Byte offsets of consecutive blocks of the given sizes (in bytes), each 16-byte aligned, and their total. */
export function layout(sizes: readonly number[]): { at: number[]; bytes: number } {
  const at: number[] = [];
  let bytes = 0;
  for (const size of sizes) {
    at.push(bytes);
    bytes += Math.ceil(size / 16) * 16;
  }
  return { at, bytes };
}
