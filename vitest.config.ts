import { defineConfig } from 'vitest/config';

// One runner for the whole repository, split into projects so that each kind
// of test can be run alone: `npx vitest run --project unit`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'services/*/test/unit/**/*.test.ts',
            'tools/*/test/unit/**/*.test.ts',
            'web/test/unit/**/*.test.ts',
            'docs/test/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'infra',
          include: ['infra/test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'services/*/test/integration/**/*.test.ts',
            'tools/*/test/integration/**/*.test.ts',
          ],
          globalSetup: ['test/setup/backing.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration files start whole services on shared backing servers;
          // running them one at a time keeps a 2-core machine from timing out.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/backing.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
