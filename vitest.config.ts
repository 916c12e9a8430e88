import { defineConfig } from 'vitest/config';

// One runner for the whole repository, split into projects so that each kind
// of test can be run alone: `npx vitest run --project unit`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Groups run in order: pure tests first, then the ones that share the servers, so
          // that integration and end-to-end runs never compete for MySQL connections.
          sequence: { groupOrder: 0 },
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
          sequence: { groupOrder: 0 },
          include: ['infra/test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
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
          sequence: { groupOrder: 2 },
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
