import { configDefaults, defineConfig } from 'vitest/config';

// Two projects so `vitest run` runs everything, while `vitest run --project unit`
// stays fast and needs no Docker engine.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Docker-driving tests share one engine; separate processes keep a crashed
    // or hung test from taking the others down with it.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/integration/**', '**/.berth-test/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/.berth-test/**'],
          // Building the test images on a new machine takes minutes.
          globalSetup: ['test/integration/global-setup.ts'],
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
