import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../services/db/src/index.ts';
import { createLogger } from '../../services/kit/src/index.ts';
import { ensureBucket, ensureTopics } from '../devstack/src/index.ts';
import type { BackingServices } from '../devstack/src/types.ts';
import { freePort } from './ports.ts';
import { ServiceProcess } from './service-process.ts';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The platform's processes in start order; the gateway comes last, the web app after it. */
export type ServiceName =
  | 'auth'
  | 'user'
  | 'message-1'
  | 'message-2'
  | 'persistence'
  | 'storage'
  | 'gateway'
  | 'web';

export interface PlatformOptions {
  backing: BackingServices;
  /** `default` uses the documented ports; `random` picks free ones (tests). */
  ports: 'default' | 'random';
  /** The MySQL database; created and migrated if missing. */
  database: string;
  /** Prefix of every Redis key, so runs never see each other's data. */
  redisKeyPrefix: string;
  /** Prefix of the Kafka topics and consumer group, for the same reason. */
  kafkaPrefix: string;
  signingKeyPem: string;
  logDir: string;
  /** Whether to run the web app too (it needs a production build, made if missing). */
  web: boolean;
  logLevel?: string;
  /** Extra environment for every service, such as a higher send rate limit for load. */
  env?: NodeJS.ProcessEnv;
}

export interface Platform {
  gatewayUrl: string;
  webUrl: string | undefined;
  databaseUrl: string;
  messageUrls: string[];
  redisKeyPrefix: string;
  topics: { messages: string; receipts: string; deadLetters: string };
  services: Map<ServiceName, ServiceProcess>;
  /** Stops every service, gracefully, in reverse start order. */
  stop(): Promise<void>;
}

const defaultPorts: Record<ServiceName, number> = {
  auth: 8081,
  user: 8082,
  'message-1': 8083,
  'message-2': 8084,
  persistence: 8085,
  storage: 8086,
  gateway: 8080,
  web: 3000,
};

/**
 * Starts the whole platform on loopback on top of resolved backing services: migrations,
 * topics, the bucket, then every service as its own process, each awaited until ready.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const ports = await choosePorts(options.ports);
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  const databaseUrl = withDatabase(options.backing.mysql.url, options.database);
  const topics = {
    messages: `${options.kafkaPrefix}chat.messages`,
    receipts: `${options.kafkaPrefix}chat.receipts`,
    deadLetters: `${options.kafkaPrefix}chat.messages.dlq`,
  };

  await mkdir(options.logDir, { recursive: true });
  await migrate(databaseUrl, createLogger('migrate', 'warn'));
  await ensureTopics(options.backing.kafka.brokers, [
    { name: topics.messages, partitions: 6 },
    { name: topics.receipts, partitions: 6 },
    { name: topics.deadLetters, partitions: 1 },
  ]);
  await ensureBucket(options.backing.s3, options.backing.s3.bucket);

  const common: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    // Next.js reports usage to its vendor unless told not to; nothing here leaves the machine.
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: options.logLevel ?? 'info',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.backing.redis.url,
    REDIS_KEY_PREFIX: options.redisKeyPrefix,
    KAFKA_BROKERS: options.backing.kafka.brokers.join(','),
    KAFKA_TOPIC_MESSAGES: topics.messages,
    KAFKA_TOPIC_RECEIPTS: topics.receipts,
    KAFKA_TOPIC_DLQ: topics.deadLetters,
    KAFKA_GROUP_ID: `${options.kafkaPrefix}chat-persistence`,
    JWKS_URL: `${url('auth')}/.well-known/jwks.json`,
    AUTH_URL: url('auth'),
    USER_URL: url('user'),
    MESSAGE_URLS: [url('message-1'), url('message-2')].join(','),
    STORAGE_URL: url('storage'),
    CORS_ORIGINS: [url('web'), `http://localhost:${ports.web}`].join(','),
    OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
    ...options.env,
  };

  const services = new Map<ServiceName, ServiceProcess>();
  const define = (name: ServiceName, entry: string, env: NodeJS.ProcessEnv = {}) => {
    services.set(
      name,
      new ServiceProcess({
        name,
        command: [process.execPath, '--import', 'tsx', entry],
        cwd: repositoryRoot,
        env: { ...common, PORT: String(ports[name]), ...env },
        logFile: path.join(options.logDir, `${name}.log`),
        readyUrl: `${url(name)}/health/ready`,
      }),
    );
  };
  define('auth', 'services/auth/src/main.ts', { JWT_PRIVATE_KEY: options.signingKeyPem });
  define('user', 'services/user/src/main.ts');
  define('message-1', 'services/message/src/main.ts', { INSTANCE_ID: 'message-1' });
  define('message-2', 'services/message/src/main.ts', { INSTANCE_ID: 'message-2' });
  define('persistence', 'services/persistence/src/main.ts');
  define('storage', 'services/storage/src/main.ts', {
    S3_ENDPOINT: options.backing.s3.endpoint,
    S3_REGION: options.backing.s3.region,
    S3_BUCKET: options.backing.s3.bucket,
    S3_ACCESS_KEY_ID: options.backing.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: options.backing.s3.secretAccessKey,
  });
  define('gateway', 'services/gateway/src/main.ts');
  if (options.web) {
    services.set(
      'web',
      new ServiceProcess({
        name: 'web',
        command: [
          process.execPath,
          'node_modules/next/dist/bin/next',
          'start',
          'web',
          '-p',
          String(ports.web),
          '-H',
          '127.0.0.1',
        ],
        cwd: repositoryRoot,
        env: { ...common, NODE_ENV: 'production', GATEWAY_URL: url('gateway') },
        logFile: path.join(options.logDir, 'web.log'),
        readyUrl: url('web'),
        readyTimeoutMs: 60_000,
      }),
    );
  }

  const started: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of [...started].reverse()) await service.stop();
  };
  try {
    await startInOrder(services, started);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    gatewayUrl: url('gateway'),
    webUrl: options.web ? url('web') : undefined,
    databaseUrl,
    messageUrls: [url('message-1'), url('message-2')],
    redisKeyPrefix: options.redisKeyPrefix,
    topics,
    services,
    stop,
  };
}

async function startInOrder(
  services: Map<ServiceName, ServiceProcess>,
  started: ServiceProcess[],
): Promise<void> {
  // Services only depend on auth (for its keys) at start-up; the others can start together.
  const auth = services.get('auth') as ServiceProcess;
  await auth.start();
  started.push(auth);

  const middle = [...services.values()].filter(
    (service) => !['auth', 'gateway', 'web'].includes(service.name),
  );
  const results = await Promise.allSettled(
    middle.map((service) => service.start().then(() => started.push(service))),
  );
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;

  for (const name of ['gateway', 'web'] as const) {
    const service = services.get(name);
    if (!service) continue;
    await service.start();
    started.push(service);
  }
}

async function choosePorts(mode: PlatformOptions['ports']): Promise<Record<ServiceName, number>> {
  if (mode === 'default') return defaultPorts;
  const entries = await Promise.all(
    (Object.keys(defaultPorts) as ServiceName[]).map(
      async (name) => [name, await freePort()] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<ServiceName, number>;
}

function withDatabase(serverUrl: string, database: string): string {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
