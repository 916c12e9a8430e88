import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, three folders above this file (`tools/devstack/src`). */
export const defaultRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The Maven project files that list the jars of each Java server. */
export const mavenDir = fileURLToPath(new URL('../maven/', import.meta.url));

/** The folders one run of the devstack writes to. */
export interface RunLayout {
  root: string;
  /** Contains the pid files and `state.json` of what this run started. */
  runDir: string;
  pidDir: string;
  logDir: string;
  dataDir: string;
  /** Contains the fetched jars, shared by every run because fetching needs the network. */
  cacheDir: string;
}

/**
 * Returns the layout of the shared run: `.run/` with logs in `.run/logs/`, data in
 * `.run/data/` and pid files in `.run/pids/`. `runDir` moves all of them, for tests.
 */
export function sharedLayout(
  root: string,
  options: { runDir?: string; cacheDir?: string } = {},
): RunLayout {
  const runDir = options.runDir ?? path.join(root, '.run');
  return {
    root,
    runDir,
    pidDir: path.join(runDir, 'pids'),
    logDir: path.join(runDir, 'logs'),
    dataDir: path.join(runDir, 'data'),
    cacheDir: options.cacheDir ?? path.join(root, '.cache'),
  };
}

/** Returns a fresh layout under `.run/test-<random>/`, with logs in `.run/logs/test-<random>/`. */
export function privateLayout(root: string, cacheDir?: string): RunLayout {
  const id = `test-${randomBytes(4).toString('hex')}`;
  const runDir = path.join(root, '.run', id);
  return {
    root,
    runDir,
    pidDir: path.join(runDir, 'pids'),
    logDir: path.join(root, '.run', 'logs', id),
    dataDir: path.join(runDir, 'data'),
    cacheDir: cacheDir ?? path.join(root, '.cache'),
  };
}

/** Returns a path relative to the repository root when it is inside it, for short messages. */
export function displayPath(root: string, target: string): string {
  const relative = path.relative(root, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return target;
  return relative;
}
