import { type BackingServices, resolveBackingServices, stopBackingServices } from '@chat/devstack';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    backing: BackingServices;
  }
}

/** Bounds the whole start, jar fetch included, so a stuck server fails the run with a message. */
const setupTimeoutMs = Number(process.env.DEVSTACK_SETUP_TIMEOUT_MS ?? 150_000);

/**
 * Finds or starts MySQL, Redis, Kafka and S3 for one test run and provides their settings as
 * `inject('backing')`. Servers found through the environment or on their usual ports are
 * reused; missing ones start on free ports and are stopped again in teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const signal = AbortSignal.timeout(setupTimeoutMs);
  let services: BackingServices;
  try {
    services = await resolveBackingServices({ mode: 'private', signal });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const timedOut = signal.aborted ? ` (gave up after ${setupTimeoutMs / 1000} s)` : '';
    throw new Error(
      `backing services for tests are not available${timedOut}: ${reason}\nLogs are in .run/logs/. Running \`npx tsx tools/devstack/src/cli.ts up\` once fetches the Kafka and S3 jars ahead of time.`,
      { cause: error },
    );
  }

  project.provide('backing', services);
  return async () => {
    await stopBackingServices(undefined, { runDir: services.runDir });
  };
}
