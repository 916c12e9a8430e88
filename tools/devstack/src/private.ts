import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { defaultRoot } from './layout.ts';
import { createDefaultLogger } from './logger.ts';
import { currentProcessIdentity, writeOwnerFile } from './ownership.ts';
import { findFreePort, findFreePorts } from './ports.ts';
import { kafkaServerSetup } from './servers/kafka-server.ts';
import { mariadbServerSetup } from './servers/mariadb-server.ts';
import { redisServerSetup } from './servers/redis-server.ts';
import { s3proxyServerSetup, s3proxySettings } from './servers/s3proxy-server.ts';
import { type ServerPaths, ServerProcess } from './servers/server-process.ts';
import type { DevstackLogger, S3Settings } from './types.ts';
import { loopbackMysqlUrl, loopbackRedisUrl } from './urls.ts';

/** Options shared by the private-instance starters. */
export interface PrivateServerOptions {
  /** The repository root. `.run/private/` and `.cache/` live under it. */
  root?: string;
  log?: DevstackLogger;
  /** A fixed port instead of a free one. */
  port?: number;
  signal?: AbortSignal;
}

/**
 * A server on a loopback port with its own data folder, for tests that stop or crash it.
 * Every method waits until the process has started or exited.
 */
export interface PrivateServer {
  /** The pid of the running process, or undefined while it is stopped. */
  readonly pid: number | undefined;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** Starts the server again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops the server with SIGTERM, keeping its data so that `start()` can follow. */
  terminate(): Promise<void>;
  /** Stops the server with SIGKILL, as a crash would, keeping its data. */
  kill(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after a timeout) and deletes its data folder. */
  stop(): Promise<void>;
}

/** A private Redis. `url` has no password. */
export interface PrivateRedis extends PrivateServer {
  readonly url: string;
}

/** A private MariaDB. `url` logs in as root without a password and names no database. */
export interface PrivateMariadb extends PrivateServer {
  readonly url: string;
}

/** A private single-node Kafka. */
export interface PrivateKafka extends PrivateServer {
  readonly brokers: string[];
}

/** A private S3Proxy with its own random credentials. `url` is its endpoint. */
export interface PrivateS3 extends PrivateServer {
  readonly url: string;
  readonly s3: S3Settings;
}

/** Starts a private Redis with an append-only file fsynced on every write. */
export async function startPrivateRedis(options: PrivateServerOptions = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await findFreePort());
  const paths = privatePaths('redis', options.root);
  const server = new ServerProcess(
    redisServerSetup({ port, appendFsync: 'always' }, paths),
    logOf(options),
  );
  await startOrClean(server, options.signal);
  return handle(server, port, paths, { url: loopbackRedisUrl(port) });
}

/** Starts a private MariaDB whose root account has an empty password. */
export async function startPrivateMariadb(
  options: PrivateServerOptions = {},
): Promise<PrivateMariadb> {
  const port = options.port ?? (await findFreePort());
  const paths = privatePaths('mariadb', options.root);
  const server = new ServerProcess(mariadbServerSetup({ port }, paths), logOf(options));
  await startOrClean(server, options.signal);
  return handle(server, port, paths, { url: loopbackMysqlUrl(port) });
}

/** Starts a private single-node Kafka. Its controller listens on a second free port. */
export async function startPrivateKafka(options: PrivateServerOptions = {}): Promise<PrivateKafka> {
  const [freePort, controllerPort] = await findFreePorts(2);
  const port = options.port ?? (freePort as number);
  const paths = privatePaths('kafka', options.root);
  const log = logOf(options);
  const setup = kafkaServerSetup({ port, controllerPort: controllerPort as number }, paths, log);
  const server = new ServerProcess(setup, log);
  await startOrClean(server, options.signal);
  return handle(server, port, paths, { brokers: [`127.0.0.1:${port}`] });
}

/** Starts a private S3Proxy with random credentials and the platform's default bucket name. */
export async function startPrivateS3(
  options: PrivateServerOptions & { bucket?: string; region?: string } = {},
): Promise<PrivateS3> {
  const port = options.port ?? (await findFreePort());
  const paths = privatePaths('s3proxy', options.root);
  const log = logOf(options);
  const credentials = {
    accessKeyId: `devstack${randomBytes(4).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  const serverOptions = { port, ...credentials };
  const server = new ServerProcess(s3proxyServerSetup(serverOptions, paths, log), log);
  await startOrClean(server, options.signal);
  const s3 = s3proxySettings(
    serverOptions,
    options.bucket ?? 'chat-media',
    options.region ?? 'us-east-1',
  );
  return handle(server, port, paths, { url: s3.endpoint, s3 });
}

function privatePaths(name: string, root = defaultRoot): ServerPaths {
  const id = `${name}-${randomBytes(4).toString('hex')}`;
  const instanceDir = path.join(root, '.run', 'private', id);
  return {
    instanceDir,
    logFile: path.join(root, '.run', 'logs', 'private', `${id}.log`),
    pidFile: path.join(instanceDir, `${name}.pid`),
    cacheDir: path.join(root, '.cache'),
    logDir: path.join(root, '.run', 'logs'),
  };
}

function logOf(options: PrivateServerOptions): DevstackLogger {
  return options.log ?? createDefaultLogger();
}

async function startOrClean(server: ServerProcess, signal?: AbortSignal): Promise<void> {
  try {
    await startAndRecordOwner(server, signal);
  } catch (error) {
    await server.dispose().catch(() => {});
    throw error;
  }
}

/** Starts the server and records who owns it, so a later run can clean up after a crash. */
async function startAndRecordOwner(server: ServerProcess, signal?: AbortSignal): Promise<void> {
  await server.start(signal);
  const { pid, startTime } = server;
  if (pid === undefined || startTime === undefined) return;
  await writeOwnerFile(server.setup.paths.instanceDir, {
    owner: await currentProcessIdentity(),
    server: { pid, startTime },
  });
}

/** Builds the handle. `pid` stays a getter so it follows restarts. */
function handle<Extra extends object>(
  server: ServerProcess,
  port: number,
  paths: ServerPaths,
  extra: Extra,
): PrivateServer & Extra {
  const base: PrivateServer = {
    get pid() {
      return server.pid;
    },
    port,
    dataDir: paths.instanceDir,
    logFile: paths.logFile,
    start: () => startAndRecordOwner(server),
    terminate: () => server.stop(),
    kill: () => server.kill(),
    stop: () => server.dispose(),
  };
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(extra)) as PrivateServer &
    Extra;
}
