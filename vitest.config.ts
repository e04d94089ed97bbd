import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One worker per core (vitest's default leaves one idle: on 2 cores the suite ran on one, 128 s), each
    // running its test files one after another in one process (no re-import of src/ per file): 55 s.
    // The tests restore what they change (environment variables, temporary folders).
    pool: 'forks',
    maxWorkers: availableParallelism(),
    isolate: false,
  },
});
