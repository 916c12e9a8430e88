import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DevstackError } from '../errors.ts';

const run = promisify(execFile);

/**
 * Finds an executable on PATH, then in `extraDirs`. Server binaries such as `mariadbd` live
 * in `/usr/sbin`, which is often missing from PATH for non-root users.
 */
export async function findExecutable(
  name: string,
  extraDirs: string[] = [],
): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder. Keep looking.
    }
  }
  return undefined;
}

/** The folders where Debian, Homebrew and source installs put server binaries. */
export const serverBinaryDirs = [
  '/usr/sbin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/opt/homebrew/bin',
];

/**
 * Parses the major version from `java -version` output: `"17.0.15"` gives 17, `"25"` gives 25
 * and the old `"1.8.0_402"` form gives 8.
 */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (match === null || match[1] === undefined) return undefined;
  const first = Number(match[1]);
  if (first === 1 && match[2] !== undefined) return Number(match[2]);
  return first;
}

/** The oldest Java that Kafka 4 brokers and S3Proxy 4 run on. */
export const minimumJavaMajor = 17;

let javaLookup: Promise<string> | undefined;

/**
 * Returns the path of a Java 17+ runtime: `$JAVA_HOME/bin/java` when set, else `java` on PATH.
 * Throws `MISSING_TOOL` with what to install otherwise. The result is cached per process.
 */
export function findJava(): Promise<string> {
  javaLookup ??= lookUpJava().catch((error: unknown) => {
    javaLookup = undefined;
    throw error;
  });
  return javaLookup;
}

async function lookUpJava(): Promise<string> {
  const javaHome = process.env.JAVA_HOME;
  const fromHome = javaHome ? path.join(javaHome, 'bin', 'java') : undefined;
  const candidate =
    fromHome !== undefined && (await isExecutable(fromHome))
      ? fromHome
      : await findExecutable('java');
  if (candidate === undefined) {
    throw new DevstackError(
      'MISSING_TOOL',
      `Java ${minimumJavaMajor} or newer is needed to run Kafka and S3Proxy locally, but no java was found on PATH or in JAVA_HOME; install a JDK or JRE ${minimumJavaMajor}+ (for example apt-get install openjdk-17-jre-headless)`,
    );
  }

  const { stderr, stdout } = await run(candidate, ['-version']);
  const major = parseJavaMajor(`${stderr}\n${stdout}`);
  if (major === undefined || major < minimumJavaMajor) {
    throw new DevstackError(
      'MISSING_TOOL',
      `${candidate} is Java ${major ?? 'of unknown version'}, but Kafka 4 and S3Proxy 4 need Java ${minimumJavaMajor} or newer; install one and put it on PATH or in JAVA_HOME`,
    );
  }
  return candidate;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
