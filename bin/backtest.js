#!/usr/bin/env node
// The `backtest` command. Node ≥ 22.18 runs the TypeScript sources directly (type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`backtest: Node.js ${process.versions.node} is too old; it needs Node.js 22.18 or newer (24 recommended)\n`);
  process.exit(1);
}
// Cache compiled (and type-stripped) modules on disk: later starts skip most of the work.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { runCli } = await import('../src/cli/main.ts');
await runCli();
