import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DevstackError } from '../errors.ts';
import { sleep } from '../wait.ts';
import { isAlive } from './identity.ts';

/**
 * Runs `action` while holding an exclusive lock file that contains the holder's pid. A lock
 * whose holder has exited is taken over, so a crashed run does not block the next one.
 */
export async function withFileLock<T>(
  lockFile: string,
  action: () => Promise<T>,
  options: { timeoutMs: number; what: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await tryAcquire(lockFile))) {
    if (Date.now() > deadline) {
      const holder = await readHolder(lockFile);
      throw new DevstackError(
        'LOCK_TIMEOUT',
        `${options.what}: another devstack process (pid ${holder ?? 'unknown'}) holds ${lockFile}; wait for it to finish or delete the file if that process is gone`,
      );
    }
    await sleep(200);
  }

  try {
    return await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function tryAcquire(lockFile: string): Promise<boolean> {
  // The lock lives in .run/, which a fresh clone does not have yet.
  await mkdir(path.dirname(lockFile), { recursive: true });
  try {
    const handle = await open(lockFile, 'wx');
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }

  // A lock without a pid is either being written right now or left by a crash mid-write.
  const holder = await readHolder(lockFile);
  if (holder === undefined) {
    if (await isOlderThan(lockFile, 5_000)) await rm(lockFile, { force: true });
    return false;
  }
  if (holder === process.pid || (await isAlive(holder))) return false;
  await rm(lockFile, { force: true });
  return false;
}

async function isOlderThan(file: string, ageMs: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > ageMs;
  } catch {
    return false;
  }
}

async function readHolder(lockFile: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
