/**
 * Work to finish when the user presses Ctrl-C: close the Supabase pool (the upload journal is
 * already on disk: it is appended batch by batch). `runCli` runs these before exiting with 130.
 */
const handlers = new Set<() => Promise<void> | void>();

/** Registers `close` for an interrupt; returns the function that unregisters it. */
export function closeOnInterrupt(close: () => Promise<void> | void): () => void {
  handlers.add(close);
  return () => handlers.delete(close);
}

/** Runs every registered handler, each at most `timeoutMs`. */
export async function runInterruptHandlers(timeoutMs = 2_000): Promise<void> {
  const pending = [...handlers].map((h) => Promise.resolve().then(h).catch(() => {}));
  handlers.clear();
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
}
