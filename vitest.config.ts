import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn real processes; the shared CI machine is slow at times.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
