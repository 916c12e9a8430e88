import { findService, instanceNames, type ServiceName } from './service-catalog.ts';

/** Secrets a service may receive; the component resolves each name to a secret output. */
export type SecretName = 'databaseUrl' | 'jwtPrivateKey' | 's3SecretAccessKey';

/** One environment value: plain text, or a reference to a secret. */
export type EnvValue = { kind: 'plain'; value: string } | { kind: 'secret'; secret: SecretName };

/** Host names and ports of the backing containers on the internal network. */
export interface InternalEndpoints {
  redisUrl: string;
  kafkaBrokers: string;
  s3Endpoint: string;
  otlpEndpoint: string;
}

/** Settings shared by every service environment of a stack. */
export interface EnvContext {
  /** Stack name, recorded as the deployment environment of all telemetry. */
  stack: string;
  logLevel: string;
  shutdownTimeoutMs: number;
  jwtIssuer: string;
  jwtAudience: string;
  /** Web origins allowed to call the API. */
  corsOrigins: string[];
  redisKeyPrefix: string;
  kafkaTopics: { messages: string; receipts: string; deadLetters: string };
  kafkaGroupId: string;
  s3Bucket: string;
  s3Region: string;
  s3AccessKeyId: string;
  /** Address browsers use for presigned URLs, such as `https://media.example.com`. */
  s3PublicEndpoint: string;
  /** Proxies whose X-Forwarded-For the gateway believes: the edge network's range. */
  trustedProxies: string;
  /** Retired JWT public keys (SPKI PEM) that auth still publishes in its JWKS. */
  jwtPreviousPublicKeys: readonly string[];
  /** Number of message containers the gateway spreads sockets over. */
  messageReplicas: number;
  endpoints: InternalEndpoints;
}

type Rule = {
  variable: string;
  services: readonly ServiceName[] | 'all';
  /** Returns the value, or undefined to leave the variable unset. */
  value: (context: EnvContext, instance: string) => EnvValue | undefined;
};

const plain = (value: string): EnvValue => ({ kind: 'plain', value });
const secret = (name: SecretName): EnvValue => ({ kind: 'secret', secret: name });

const jwtUsers = ['auth', 'user', 'gateway', 'message', 'storage'] as const;
const jwksUsers = ['user', 'gateway', 'message', 'storage'] as const;
const databaseUsers = ['auth', 'user', 'message', 'persistence', 'storage'] as const;
const redisUsers = ['auth', 'gateway', 'message'] as const;
const kafkaUsers = ['message', 'persistence'] as const;

function serviceUrl(name: ServiceName, host: string = name): string {
  return `http://${host}:${findService(name).port}`;
}

/**
 * Rules that give each variable to its services, with the source of its value. The names and
 * their meaning are the configuration contract in docs/configuration.md.
 */
const rules: readonly Rule[] = [
  { variable: 'HOST', services: 'all', value: () => plain('0.0.0.0') },
  {
    variable: 'PORT',
    services: 'all',
    value: (_, instance) => plain(String(findService(serviceOf(instance)).port)),
  },
  { variable: 'LOG_LEVEL', services: 'all', value: (c) => plain(c.logLevel) },
  {
    variable: 'SHUTDOWN_TIMEOUT_MS',
    services: 'all',
    value: (c) => plain(String(c.shutdownTimeoutMs)),
  },
  {
    variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    services: 'all',
    value: (c) => plain(c.endpoints.otlpEndpoint),
  },
  { variable: 'OTEL_SERVICE_NAME', services: 'all', value: (_, i) => plain(serviceOf(i)) },
  // Makes the HTTP instrumentation emit http.server.request.duration in seconds, the name
  // the dashboards query, instead of the older http.server.duration in milliseconds.
  { variable: 'OTEL_SEMCONV_STABILITY_OPT_IN', services: 'all', value: () => plain('http') },
  {
    variable: 'OTEL_RESOURCE_ATTRIBUTES',
    services: 'all',
    value: (c, i) => plain(`service.instance.id=${i},deployment.environment.name=${c.stack}`),
  },
  { variable: 'DATABASE_URL', services: databaseUsers, value: () => secret('databaseUrl') },
  { variable: 'REDIS_URL', services: redisUsers, value: (c) => plain(c.endpoints.redisUrl) },
  { variable: 'REDIS_KEY_PREFIX', services: redisUsers, value: (c) => plain(c.redisKeyPrefix) },
  {
    variable: 'KAFKA_BROKERS',
    services: kafkaUsers,
    value: (c) => plain(c.endpoints.kafkaBrokers),
  },
  {
    variable: 'KAFKA_TOPIC_MESSAGES',
    services: kafkaUsers,
    value: (c) => plain(c.kafkaTopics.messages),
  },
  {
    variable: 'KAFKA_TOPIC_RECEIPTS',
    services: kafkaUsers,
    value: (c) => plain(c.kafkaTopics.receipts),
  },
  {
    variable: 'KAFKA_TOPIC_DLQ',
    services: ['persistence'],
    value: (c) => plain(c.kafkaTopics.deadLetters),
  },
  { variable: 'KAFKA_GROUP_ID', services: ['persistence'], value: (c) => plain(c.kafkaGroupId) },
  { variable: 'S3_ENDPOINT', services: ['storage'], value: (c) => plain(c.endpoints.s3Endpoint) },
  {
    variable: 'S3_PUBLIC_ENDPOINT',
    services: ['storage'],
    value: (c) => plain(c.s3PublicEndpoint),
  },
  { variable: 'S3_BUCKET', services: ['storage'], value: (c) => plain(c.s3Bucket) },
  { variable: 'S3_REGION', services: ['storage'], value: (c) => plain(c.s3Region) },
  { variable: 'S3_ACCESS_KEY_ID', services: ['storage'], value: (c) => plain(c.s3AccessKeyId) },
  {
    variable: 'S3_SECRET_ACCESS_KEY',
    services: ['storage'],
    value: () => secret('s3SecretAccessKey'),
  },
  { variable: 'JWT_PRIVATE_KEY', services: ['auth'], value: () => secret('jwtPrivateKey') },
  {
    variable: 'JWT_PREVIOUS_PUBLIC_KEYS',
    services: ['auth'],
    value: (c) =>
      c.jwtPreviousPublicKeys.length > 0
        ? plain(JSON.stringify(c.jwtPreviousPublicKeys))
        : undefined,
  },
  { variable: 'JWT_ISSUER', services: jwtUsers, value: (c) => plain(c.jwtIssuer) },
  { variable: 'JWT_AUDIENCE', services: jwtUsers, value: (c) => plain(c.jwtAudience) },
  {
    variable: 'JWKS_URL',
    services: jwksUsers,
    value: () => plain(`${serviceUrl('auth')}/.well-known/jwks.json`),
  },
  { variable: 'AUTH_URL', services: ['gateway'], value: () => plain(serviceUrl('auth')) },
  { variable: 'USER_URL', services: ['gateway'], value: () => plain(serviceUrl('user')) },
  { variable: 'TRUSTED_PROXIES', services: ['gateway'], value: (c) => plain(c.trustedProxies) },
  {
    variable: 'MESSAGE_URLS',
    services: ['gateway'],
    value: (c) => plain(messageUrls(c.messageReplicas).join(',')),
  },
  { variable: 'STORAGE_URL', services: ['gateway'], value: () => plain(serviceUrl('storage')) },
  {
    variable: 'CORS_ORIGINS',
    services: ['gateway', 'storage'],
    value: (c) => plain(c.corsOrigins.join(',')),
  },
  { variable: 'INSTANCE_ID', services: ['message'], value: (_, i) => plain(i) },
];

/** Returns the internal URLs of the message containers, in replica order. */
export function messageUrls(replicas: number): string[] {
  return instanceNames(findService('message'), replicas).map((host) => serviceUrl('message', host));
}

/**
 * Builds the environment of one service container, keyed by variable name. `instance` is
 * the container's host name, such as `message-2`; it names the replica in logs and telemetry.
 */
export function buildServiceEnvironment(
  instance: string,
  context: EnvContext,
): Record<string, EnvValue> {
  const service = serviceOf(instance);
  const environment: Record<string, EnvValue> = {};
  for (const rule of rules) {
    if (rule.services !== 'all' && !rule.services.includes(service)) continue;
    const value = rule.value(context, instance);
    if (value !== undefined) environment[rule.variable] = value;
  }
  return environment;
}

/** Returns the service an instance host name belongs to: `message-2` belongs to `message`. */
export function serviceOf(instance: string): ServiceName {
  const name = instance.replace(/-\d+$/, '');
  return findService(name as ServiceName).name;
}
