import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from './errors.ts';
import { readOwnerFile } from './ownership.ts';
import { isSameProcess, killProcess } from './process/identity.ts';
import { readState } from './state.ts';
import { stopBackingServices } from './stop.ts';
import type { DevstackLogger } from './types.ts';

/** Log folders of finished test runs are kept this long for reading after a failure. */
const logRetentionMs = 3 * 24 * 3_600_000;

/** A run folder without a state file is a run that crashed while creating it. */
const orphanAgeMs = 3_600_000;

/**
 * Cleans up after test processes that exited without their teardown: stops the servers of
 * private runs and private instances whose owner process is gone, deletes their folders,
 * and deletes test logs older than three days.
 */
export async function sweepStaleRuns(root: string, log: DevstackLogger): Promise<void> {
  const runRoot = path.join(root, '.run');
  await Promise.all([
    sweepPrivateRuns(root, runRoot, log),
    sweepPrivateInstances(path.join(runRoot, 'private'), log),
    pruneOldLogs(path.join(runRoot, 'logs')),
  ]);
}

async function sweepPrivateRuns(root: string, runRoot: string, log: DevstackLogger): Promise<void> {
  for (const name of await listDir(runRoot)) {
    if (!/^test-[0-9a-f]{8}$/.test(name)) continue;
    const runDir = path.join(runRoot, name);
    try {
      const state = await readState(runDir);
      if (state === undefined) {
        if (await isOlderThan(runDir, orphanAgeMs))
          await rm(runDir, { recursive: true, force: true });
        continue;
      }
      const owner = state.owner;
      if (owner !== undefined && (await isSameProcess(owner.pid, owner.startTime))) continue;
      log.info(
        { runDir, ownerPid: owner?.pid },
        'stopping servers of a test run whose process exited',
      );
      await stopBackingServices(root, { runDir, log });
    } catch (error) {
      log.warn({ runDir, err: errorMessage(error) }, 'could not clean up a stale test run');
    }
  }
}

async function sweepPrivateInstances(privateRoot: string, log: DevstackLogger): Promise<void> {
  for (const name of await listDir(privateRoot)) {
    const instanceDir = path.join(privateRoot, name);
    const ownerFile = await readOwnerFile(instanceDir);
    if (ownerFile === undefined) {
      if (await isOlderThan(instanceDir, orphanAgeMs))
        await rm(instanceDir, { recursive: true, force: true });
      continue;
    }
    if (await isSameProcess(ownerFile.owner.pid, ownerFile.owner.startTime)) continue;

    try {
      const server = ownerFile.server;
      if (server !== undefined && (await isSameProcess(server.pid, server.startTime))) {
        await killProcess(server.pid, name);
      }
      await rm(instanceDir, { recursive: true, force: true });
      log.info({ instanceDir }, 'removed a private server whose test process exited');
    } catch (error) {
      log.warn(
        { instanceDir, err: errorMessage(error) },
        'could not clean up a stale private server',
      );
    }
  }
}

async function pruneOldLogs(logRoot: string): Promise<void> {
  const candidates = [
    ...(await listDir(logRoot))
      .filter((name) => name.startsWith('test-'))
      .map((name) => path.join(logRoot, name)),
    ...(await listDir(path.join(logRoot, 'private'))).map((name) =>
      path.join(logRoot, 'private', name),
    ),
  ];
  for (const entry of candidates) {
    if (await isOlderThan(entry, logRetentionMs)) await rm(entry, { recursive: true, force: true });
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function isOlderThan(entry: string, ageMs: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(entry)).mtimeMs > ageMs;
  } catch {
    return false;
  }
}
