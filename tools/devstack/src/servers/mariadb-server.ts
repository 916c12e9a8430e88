import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, appendFile, mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DevstackError, errorMessage } from '../errors.ts';
import { findExecutable, serverBinaryDirs } from '../java/executables.ts';
import { checkMysql } from '../probe/mysql.ts';
import { loopbackMysqlUrl } from '../urls.ts';
import type { ServerPaths, ServerSetup } from './server-process.ts';

const run = promisify(execFile);

/** Unix socket paths longer than this fail to bind on Linux (108 bytes including NUL). */
const maxSocketPathLength = 100;

/** Options of a local MariaDB instance. */
export interface MariadbServerOptions {
  port: number;
}

/** Returns the `--user` option mariadbd needs when run as root, and nothing otherwise. */
export function mariadbUserArgs(username: string, uid: number): string[] {
  return uid === 0 ? [`--user=${username}`] : [];
}

/**
 * Returns the socket path for an instance: inside its folder when short enough, else in the
 * temporary folder under a name derived from the instance folder.
 */
export function mariadbSocketPath(instanceDir: string, tmpDir = os.tmpdir()): string {
  const inside = path.join(instanceDir, 'mysqld.sock');
  if (inside.length <= maxSocketPathLength) return inside;
  const hash = createHash('sha256').update(instanceDir).digest('hex').slice(0, 16);
  return path.join(tmpDir, `devstack-mariadb-${hash}.sock`);
}

/**
 * Builds the `mariadbd` command line. `--no-defaults` keeps the machine's my.cnf out, so the
 * instance never shares files or ports with the system server. utf8mb4 and UTC match what the
 * platform's schema expects.
 */
export function mariadbServerArgs(
  options: MariadbServerOptions,
  instanceDir: string,
  userArgs: string[],
): string[] {
  return [
    '--no-defaults',
    `--datadir=${path.join(instanceDir, 'data')}`,
    `--port=${options.port}`,
    '--bind-address=127.0.0.1',
    `--socket=${mariadbSocketPath(instanceDir)}`,
    `--pid-file=${path.join(instanceDir, 'mariadbd.pid')}`,
    ...userArgs,
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--default-time-zone=+00:00',
    '--innodb-buffer-pool-size=128M',
    // Commits reach the OS at once and the disk within a second, so a killed server keeps
    // them and only a machine crash could lose the last second.
    '--innodb-flush-log-at-trx-commit=2',
    '--max-connections=500',
  ];
}

async function findTool(name: string): Promise<string> {
  const binary = await findExecutable(name, serverBinaryDirs);
  if (binary === undefined) {
    throw new DevstackError(
      'MISSING_TOOL',
      `${name} was not found on PATH or in ${serverBinaryDirs.join(', ')}; install MariaDB (for example apt-get install mariadb-server) or set DATABASE_URL`,
    );
  }
  return binary;
}

/** Returns the paths of `mariadbd` and `mariadb-install-db`, or throws `MISSING_TOOL`. */
export async function findMariadbTools(): Promise<{ server: string; installDb: string }> {
  return { server: await findTool('mariadbd'), installDb: await findTool('mariadb-install-db') };
}

/**
 * Describes a MariaDB instance in `paths.instanceDir`. The first start creates the system
 * tables with `mariadb-install-db`, giving `root` an empty password (not socket-only
 * authentication) so clients connect over TCP without credentials.
 */
export function mariadbServerSetup(options: MariadbServerOptions, paths: ServerPaths): ServerSetup {
  const user = os.userInfo();
  const userArgs = mariadbUserArgs(user.username, user.uid);
  const url = loopbackMysqlUrl(options.port);
  return {
    name: 'mariadb',
    paths,
    async prepare() {
      await installDataDir(paths, userArgs);
    },
    async launchSpec() {
      const { server } = await findMariadbTools();
      return {
        name: 'mariadb',
        command: server,
        args: mariadbServerArgs(options, paths.instanceDir, userArgs),
        cwd: paths.instanceDir,
        logFile: paths.logFile,
        pidFile: paths.pidFile,
        address: `127.0.0.1:${options.port}`,
        isReady: async () => (await checkMysql(url, 1_000)).status === 'ok',
        readyTimeoutMs: 60_000,
      };
    },
  };
}

/** Creates the data folder once, installing into a temporary folder first so a failed install leaves nothing behind. */
async function installDataDir(paths: ServerPaths, userArgs: string[]): Promise<void> {
  const dataDir = path.join(paths.instanceDir, 'data');
  if (await exists(path.join(dataDir, 'mysql'))) return;

  const { installDb } = await findMariadbTools();
  const partial = `${dataDir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(paths.instanceDir, { recursive: true });
  await mkdir(path.dirname(paths.logFile), { recursive: true });

  const args = [
    '--no-defaults',
    `--datadir=${partial}`,
    ...userArgs,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ];
  try {
    const { stdout, stderr } = await run(installDb, args, { timeout: 120_000 });
    await appendFile(paths.logFile, `${stdout}${stderr}`);
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    await appendFile(paths.logFile, `${output.stdout ?? ''}${output.stderr ?? ''}`);
    throw new DevstackError(
      'START_FAILED',
      `mariadb-install-db failed for ${dataDir}: ${errorMessage(error)}; see ${paths.logFile}`,
      { cause: error },
    );
  }
  await rename(partial, dataDir);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
