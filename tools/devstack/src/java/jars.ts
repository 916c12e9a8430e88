import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DevstackError } from '../errors.ts';
import { mavenDir } from '../layout.ts';
import { formatLogTail, readLogTail } from '../process/log-tail.ts';
import type { DevstackLogger } from '../types.ts';
import { findExecutable } from './executables.ts';

/** The Java servers whose jars come from Maven Central. */
export type JarSetName = 'kafka' | 's3proxy';

/** Marks a jar folder as completely copied. */
const completeMarker = '.complete';

/**
 * The first fetch downloads about 130 MB into an empty Maven repository (measured with both
 * jar sets), which takes minutes on a slow link. Later runs never call Maven.
 */
const fetchTimeoutMs = 15 * 60_000;

/**
 * Returns the cache folder for a jar set: `<cacheDir>/jars/<name>-<hash of its pom.xml>`, so
 * editing the pom selects a new folder instead of mixing versions.
 */
export function jarFolderName(name: JarSetName, pomContent: string): string {
  const hash = createHash('sha256').update(pomContent).digest('hex').slice(0, 12);
  return `${name}-${hash}`;
}

/**
 * Returns the folder with every jar of `name`, fetching them with Maven on first use.
 *
 * Maven copies into a temporary folder that is renamed into place when complete, so an
 * interrupted fetch leaves nothing half-usable and two concurrent first runs do not collide.
 */
export async function ensureJars(
  name: JarSetName,
  options: { cacheDir: string; logDir: string; log: DevstackLogger; signal?: AbortSignal },
): Promise<string> {
  const pom = path.join(mavenDir, name, 'pom.xml');
  const folder = path.join(
    options.cacheDir,
    'jars',
    jarFolderName(name, await readFile(pom, 'utf8')),
  );
  if (await exists(path.join(folder, completeMarker))) return folder;

  const mvn = await findExecutable('mvn');
  if (mvn === undefined) {
    throw new DevstackError(
      'MISSING_TOOL',
      `Maven (mvn) is needed once to fetch the ${name} jars into ${folder}; install it (for example apt-get install maven) or copy the jars there`,
    );
  }

  const partial = `${folder}.partial-${process.pid}-${randomBytes(3).toString('hex')}`;
  const logFile = path.join(options.logDir, `mvn-${name}.log`);
  const startedAt = Date.now();
  options.log.info(
    { service: name, pom, log: logFile },
    'fetching jars with Maven (first run only)',
  );
  try {
    await runMaven(mvn, pom, partial, logFile, options.signal);
    await writeFile(path.join(partial, completeMarker), `${new Date().toISOString()}\n`);
    await moveIntoPlace(partial, folder);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  options.log.info({ service: name, folder, ms: Date.now() - startedAt }, 'jars fetched');
  return folder;
}

async function runMaven(
  mvn: string,
  pom: string,
  outputDir: string,
  logFile: string,
  signal?: AbortSignal,
): Promise<void> {
  await mkdir(path.dirname(logFile), { recursive: true });
  const output = createWriteStream(logFile, { flags: 'a' });
  const args = [
    '-B',
    '-q',
    '-f',
    pom,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDir}`,
  ];

  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(mvn, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      timeout: fetchTimeoutMs,
    });
    child.stdout.pipe(output, { end: false });
    child.stderr.pipe(output, { end: false });
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => output.end());

  if (code !== 0) {
    const tail = formatLogTail(await readLogTail(logFile));
    throw new DevstackError(
      'JAR_FETCH_FAILED',
      `mvn dependency:copy-dependencies failed for ${pom} (exit ${code}); see ${logFile}${tail}`,
    );
  }
}

async function moveIntoPlace(partial: string, folder: string): Promise<void> {
  try {
    await rename(partial, folder);
  } catch (error) {
    // Another run finished the same fetch first. Its copy is as good as this one.
    if (await exists(path.join(folder, completeMarker))) return;
    throw error;
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
