import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DevstackError } from '../errors.ts';
import { findExecutable, serverBinaryDirs } from '../java/executables.ts';
import { checkRedis } from '../probe/redis.ts';
import { loopbackRedisUrl } from '../urls.ts';
import type { ServerPaths, ServerSetup } from './server-process.ts';

/** Options of a local Redis instance. */
export interface RedisServerOptions {
  port: number;
  /**
   * `always` makes every acknowledged write survive SIGKILL, which outage tests rely on;
   * `everysec` may lose the last second and is faster.
   */
  appendFsync: 'always' | 'everysec';
}

/** Builds the `redis-server` command line: loopback only, append-only file, no RDB snapshots. */
export function redisServerArgs(options: RedisServerOptions, dataDir: string): string[] {
  return [
    '--port',
    String(options.port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--dir',
    dataDir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    options.appendFsync,
    '--logfile',
    '',
  ];
}

/** Returns the path of `redis-server`, or throws `MISSING_TOOL` saying what to install. */
export async function findRedisServer(): Promise<string> {
  const binary = await findExecutable('redis-server', serverBinaryDirs);
  if (binary === undefined) {
    throw new DevstackError(
      'MISSING_TOOL',
      'redis-server was not found on PATH; install Redis 7 (for example apt-get install redis-server) or set REDIS_URL',
    );
  }
  return binary;
}

/** Describes a Redis instance whose data lives in `paths.instanceDir/data`. */
export function redisServerSetup(options: RedisServerOptions, paths: ServerPaths): ServerSetup {
  const dataDir = path.join(paths.instanceDir, 'data');
  const url = loopbackRedisUrl(options.port);
  return {
    name: 'redis',
    paths,
    async prepare() {
      await mkdir(dataDir, { recursive: true });
    },
    async launchSpec() {
      return {
        name: 'redis',
        command: await findRedisServer(),
        args: redisServerArgs(options, dataDir),
        cwd: dataDir,
        logFile: paths.logFile,
        pidFile: paths.pidFile,
        address: `127.0.0.1:${options.port}`,
        isReady: async () => (await checkRedis(url, 1_000)).status === 'ok',
        readyTimeoutMs: 30_000,
      };
    },
  };
}
