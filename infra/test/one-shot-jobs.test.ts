import { afterAll, describe, expect, it } from 'vitest';
import type { MockOptions } from './support/mocks.ts';
import { containerNamed } from './support/resources.ts';
import { removeRunFolders, resolveOutput, runProgram } from './support/run-program.ts';

afterAll(removeRunFolders);

/** Runs a Migration alone and returns how its success output settled. */
async function migrate(options: MockOptions) {
  let outcome: unknown;
  const run = await runProgram(
    'test',
    async () => {
      const { Migration } = await import('../components/migration.ts');
      const migration = new Migration('migration', {
        placement: { platform: 'linux/arm64', logging: { kind: 'json-file' } },
        image: { kind: 'registry', reference: 'ghcr.io/example/chat-migrate:1.0.0' },
        internalNetworkName: 'chat-internal',
        databaseUrl: 'mysql://chat:x@mysql:3306/chat',
        logLevel: 'info',
        database: new (await import('@pulumi/docker')).Container('database', { image: 'mysql' }),
        memoryMb: 256,
      });
      outcome = await resolveOutput(migration.succeeded).then(
        () => 'succeeded',
        (error: unknown) => error,
      );
      return {};
    },
    options,
  );
  return { run, outcome };
}

describe('migration job', () => {
  it('lets dependants start after exit status 0', async () => {
    const { run, outcome } = await migrate({});
    expect(outcome).toBe('succeeded');
    const job = containerNamed(run, 'chat-migrate');
    expect(job.plain.attach).toBe(true);
    expect(job.plain.restart).toBe('no');
  });

  it('fails the deployment on a non-zero exit status', async () => {
    const { outcome } = await migrate({ exitCodes: { 'migration-job': 3 } });
    expect(outcome).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(String((outcome as Error).message)).toContain('chat-migrate exited with status 3');
  });

  it('stays pending during a preview', async () => {
    let settled = false;
    await runProgram(
      'test',
      async () => {
        const { whenSucceeded } = await import('../components/docker-resources.ts');
        const docker = await import('@pulumi/docker');
        const job = new docker.Container('job', { image: 'x', attach: true, restart: 'no' });
        const gate = whenSucceeded(job, 'chat-job');
        const known = await (gate as unknown as { isKnown: Promise<boolean> }).isKnown;
        settled = known;
        return {};
      },
      { preview: true },
    );
    expect(settled).toBe(false);
  });
});
