import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readStartTime } from './process/identity.ts';

/** A process identity that survives pid reuse. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** Stored next to a private server so a later run can clean up after a crashed test process. */
export interface OwnerFile {
  owner: ProcessIdentity;
  server?: ProcessIdentity;
}

const ownerFileName = 'owner.json';

/** Returns the identity of the current process. */
export async function currentProcessIdentity(): Promise<ProcessIdentity> {
  return { pid: process.pid, startTime: (await readStartTime(process.pid)) ?? 'unknown' };
}

/** Records the owner and the server process of a private instance folder. */
export async function writeOwnerFile(instanceDir: string, content: OwnerFile): Promise<void> {
  await writeFile(path.join(instanceDir, ownerFileName), `${JSON.stringify(content)}\n`);
}

/** Reads a private instance folder's owner file, or undefined when there is none. */
export async function readOwnerFile(instanceDir: string): Promise<OwnerFile | undefined> {
  try {
    return JSON.parse(await readFile(path.join(instanceDir, ownerFileName), 'utf8')) as OwnerFile;
  } catch {
    return undefined;
  }
}
