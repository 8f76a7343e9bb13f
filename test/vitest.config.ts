import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (engine/**/*.test.ts); tests that need real hosts, servers or
// git remotes live under test/ and use the lab (test/lab/global-setup.ts brings it up once).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['engine/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Decides whether lab integration tests can run and names this run's lab; starts nothing (test/lab/README.md).
    globalSetup: ['test/lab/global-setup.ts'],
    pool: 'forks',
    reporters: ['default'],
  },
});
