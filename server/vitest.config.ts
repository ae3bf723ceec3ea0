import { defineConfig } from 'vitest/config';

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  console.warn(
    '\n!!! TEST_DATABASE_URL is not set: the PostgreSQL run of the server suite is SKIPPED (PGlite only).\n' +
      '!!! Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it.\n',
  );
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts'],
          env: { DB_BACKEND: 'pglite' },
          globalSetup: ['src/test/global-pglite.ts'],
        },
      },
      ...(pgUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                // The assistant engine touches no database: running it twice proves nothing. Its team
                // history reads resolved sessions, so that test runs on both.
                include: ['src/**/*.test.ts'],
                exclude: ['src/features/assistant/!(history).test.ts', 'src/config.test.ts'],
                env: { DB_BACKEND: 'postgres' },
                globalSetup: ['src/test/global-postgres.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
