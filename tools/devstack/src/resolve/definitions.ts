import { randomBytes } from 'node:crypto';
import { startServiceContainer } from '../containers/service-containers.ts';
import { devS3Credentials } from '../environment.ts';
import { findFreePort, isPortOpen } from '../ports.ts';
import { checkKafka } from '../probe/kafka.ts';
import { checkMysql } from '../probe/mysql.ts';
import { checkRedis } from '../probe/redis.ts';
import type { ProbeResult } from '../probe/result.ts';
import { checkS3 } from '../probe/s3.ts';
import { kafkaServerSetup } from '../servers/kafka-server.ts';
import { mariadbServerSetup } from '../servers/mariadb-server.ts';
import { redisServerSetup } from '../servers/redis-server.ts';
import { s3proxyServerSetup, s3proxySettings } from '../servers/s3proxy-server.ts';
import { ServerProcess, type ServerSetup } from '../servers/server-process.ts';
import type { StartedRecord } from '../state.ts';
import type { S3Settings, ServiceName } from '../types.ts';
import { loopbackMysqlUrl, loopbackRedisUrl, redactUrl } from '../urls.ts';
import { type ResolveContext, serverPaths } from './context.ts';

/** The database name of the platform's default `DATABASE_URL`. */
export const defaultDatabaseName = 'chat';

/** The settings each service resolves to. */
export interface SettingsByService {
  mysql: { url: string };
  redis: { url: string };
  kafka: { brokers: string[] };
  s3: S3Settings;
}

/** A server the devstack started, with the settings to reach it. */
export interface StartedServer<Settings> {
  settings: Settings;
  record: StartedRecord;
}

/** The rules to find, check and start one backing service. */
export interface ServiceDefinition<Name extends ServiceName> {
  name: Name;
  /** The product name in messages, such as `MySQL`. */
  label: string;
  envVariable: string;
  /** The last sentence of the "not available" error: what to install or set. */
  installHint: string;
  fromEnvironment(context: ResolveContext): SettingsByService[Name] | undefined;
  atPort(context: ResolveContext, port: number): SettingsByService[Name];
  check(settings: SettingsByService[Name]): Promise<ProbeResult>;
  /** A short description of where the settings point, for the CLI. */
  describe(settings: SettingsByService[Name]): string;
  startContainer(
    context: ResolveContext,
    port?: number,
  ): Promise<StartedServer<SettingsByService[Name]>>;
  startProcess(
    context: ResolveContext,
    port?: number,
  ): Promise<StartedServer<SettingsByService[Name]>>;
}

const mysql: ServiceDefinition<'mysql'> = {
  name: 'mysql',
  label: 'MySQL',
  envVariable: 'DATABASE_URL',
  installHint:
    'Install MariaDB or MySQL (for example apt-get install mariadb-server), start a Docker engine, or set DATABASE_URL.',
  fromEnvironment: ({ env }) => (env.mysqlUrl === undefined ? undefined : { url: env.mysqlUrl }),
  atPort: (_, port) => ({ url: loopbackMysqlUrl(port, defaultDatabaseName) }),
  check: ({ url }) => checkMysql(url),
  describe: ({ url }) => redactUrl(url),
  async startContainer(_context, port) {
    const started = await startServiceContainer('mysql', { hostPort: port });
    return containerStarted('mysql', { url: started.mysqlUrl ?? '' }, started);
  },
  async startProcess(context, port) {
    const chosen = port ?? (await findFreePort());
    const setup = mariadbServerSetup({ port: chosen }, serverPaths(context.layout, 'mariadb'));
    const record = await startServer(context, setup);
    return { settings: { url: loopbackMysqlUrl(chosen, defaultDatabaseName) }, record };
  },
};

const redis: ServiceDefinition<'redis'> = {
  name: 'redis',
  label: 'Redis',
  envVariable: 'REDIS_URL',
  installHint:
    'Install Redis (for example apt-get install redis-server), start a Docker engine, or set REDIS_URL.',
  fromEnvironment: ({ env }) => (env.redisUrl === undefined ? undefined : { url: env.redisUrl }),
  atPort: (_, port) => ({ url: loopbackRedisUrl(port) }),
  check: ({ url }) => checkRedis(url),
  describe: ({ url }) => redactUrl(url),
  async startContainer(_context, port) {
    const started = await startServiceContainer('redis', { hostPort: port });
    return containerStarted('redis', { url: started.redisUrl ?? '' }, started);
  },
  async startProcess(context, port) {
    const chosen = port ?? (await findFreePort());
    const paths = serverPaths(context.layout, 'redis');
    const record = await startServer(
      context,
      redisServerSetup({ port: chosen, appendFsync: 'everysec' }, paths),
    );
    return { settings: { url: loopbackRedisUrl(chosen) }, record };
  },
};

const kafka: ServiceDefinition<'kafka'> = {
  name: 'kafka',
  label: 'Kafka',
  envVariable: 'KAFKA_BROKERS',
  installHint:
    'Install Java 17 or newer and Maven so the devstack can run Kafka from Maven Central jars, start a Docker engine, or set KAFKA_BROKERS.',
  fromEnvironment: ({ env }) =>
    env.kafkaBrokers === undefined ? undefined : { brokers: env.kafkaBrokers },
  atPort: (_, port) => ({ brokers: [`127.0.0.1:${port}`] }),
  check: ({ brokers }) => checkKafka(brokers),
  describe: ({ brokers }) => brokers.join(','),
  async startContainer(_context, port) {
    const started = await startServiceContainer('kafka', { hostPort: port });
    return containerStarted('kafka', { brokers: started.kafkaBrokers ?? [] }, started);
  },
  async startProcess(context, port) {
    const chosen = port ?? (await findFreePort());
    const controllerPort = await pickControllerPort(port);
    const paths = serverPaths(context.layout, 'kafka');
    const setup = kafkaServerSetup({ port: chosen, controllerPort }, paths, context.log);
    const record = await startServer(context, setup);
    return { settings: { brokers: [`127.0.0.1:${chosen}`] }, record };
  },
};

/** Returns the controller port: the one after the broker port in shared mode when free, else a free port. */
async function pickControllerPort(brokerPort: number | undefined): Promise<number> {
  if (brokerPort !== undefined && !(await isPortOpen('127.0.0.1', brokerPort + 1, 500)))
    return brokerPort + 1;
  return await findFreePort();
}

const s3: ServiceDefinition<'s3'> = {
  name: 's3',
  label: 'S3',
  envVariable: 'S3_ENDPOINT',
  installHint:
    'Install Java 17 or newer and Maven so the devstack can run S3Proxy from Maven Central jars, start a Docker engine, or set S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.',
  fromEnvironment: ({ env }) => env.s3,
  atPort: (context, port) => ({
    endpoint: `http://127.0.0.1:${port}`,
    region: context.env.s3Region,
    bucket: context.env.s3Bucket,
    ...(context.env.s3Credentials ?? devS3Credentials),
  }),
  check: (settings) => checkS3(settings),
  describe: ({ endpoint, bucket }) => `${endpoint} bucket ${bucket}`,
  async startContainer(context, port) {
    const { s3Region: region, s3Bucket: bucket } = context.env;
    const started = await startServiceContainer('s3', {
      hostPort: port,
      s3: { region, bucket, ...credentialsToStart(context) },
    });
    if (started.s3 === undefined) throw new Error('the S3 container returned no settings');
    return containerStarted('s3', started.s3, started);
  },
  async startProcess(context, port) {
    const options = { port: port ?? (await findFreePort()), ...credentialsToStart(context) };
    const setup = s3proxyServerSetup(options, serverPaths(context.layout, 's3proxy'), context.log);
    const record = await startServer(context, setup);
    return {
      settings: s3proxySettings(options, context.env.s3Bucket, context.env.s3Region),
      record,
    };
  },
};

/** Shared servers use the configured or development keys. Private ones get random keys. */
function credentialsToStart(context: ResolveContext): {
  accessKeyId: string;
  secretAccessKey: string;
} {
  if (context.mode === 'shared') return context.env.s3Credentials ?? devS3Credentials;
  return {
    accessKeyId: `devstack${randomBytes(4).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
}

/** The definitions of every backing service. */
export const serviceDefinitions: { [Name in ServiceName]: ServiceDefinition<Name> } = {
  mysql,
  redis,
  kafka,
  s3,
};

/** Starts a server process, records it in the run's state and returns that record. */
async function startServer(context: ResolveContext, setup: ServerSetup): Promise<StartedRecord> {
  const server = new ServerProcess(setup, context.log);
  await server.start(context.signal);
  return {
    kind: 'process',
    server: setup.name,
    address: server.address ?? '',
    startedAt: new Date().toISOString(),
    pid: server.pid,
    startTime: server.startTime,
    logFile: setup.paths.logFile,
    pidFile: setup.paths.pidFile,
    instanceDir: setup.paths.instanceDir,
  };
}

function containerStarted<Settings>(
  server: string,
  settings: Settings,
  started: { container: { getId(): string }; address: string },
): StartedServer<Settings> {
  return {
    settings,
    record: {
      kind: 'container',
      server,
      address: started.address,
      startedAt: new Date().toISOString(),
      containerId: started.container.getId(),
    },
  };
}
