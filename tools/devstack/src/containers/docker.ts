import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../errors.ts';

/** The outcome of looking for a Docker engine, and where the devstack looked. */
export interface DockerDetection {
  available: boolean;
  /** The engine address: `DOCKER_HOST`, or the first socket path checked. */
  where: string;
  reason?: string;
}

/** The socket paths of Docker Engine on Linux and of Docker Desktop. */
export function dockerSocketCandidates(home = os.homedir()): string[] {
  return ['/var/run/docker.sock', path.join(home, '.docker', 'run', 'docker.sock')];
}

/**
 * Finds a Docker engine from `DOCKER_HOST` or a known socket, then asks Testcontainers to
 * connect to it. Testcontainers is loaded only when a socket or `DOCKER_HOST` exists, because
 * loading it costs about a second.
 */
export async function detectDocker(
  env: NodeJS.ProcessEnv,
  timeoutMs = 10_000,
): Promise<DockerDetection> {
  const dockerHost = env.DOCKER_HOST?.trim();
  const candidates = dockerSocketCandidates();
  let where = dockerHost !== undefined && dockerHost !== '' ? dockerHost : undefined;
  if (where === undefined) {
    for (const socket of candidates) {
      if (await exists(socket)) {
        where = `unix://${socket}`;
        break;
      }
    }
  }
  if (where === undefined) {
    return {
      available: false,
      where: `unix://${candidates[0]}`,
      reason: 'socket not found and DOCKER_HOST unset',
    };
  }

  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await withTimeout(getContainerRuntimeClient(), timeoutMs);
    return { available: true, where };
  } catch (error) {
    return { available: false, where, reason: errorMessage(error) };
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
