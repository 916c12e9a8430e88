import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findService, instanceNames, serviceCatalog } from '../lib/service-catalog.ts';
import {
  buildServiceEnvironment,
  type EnvContext,
  messageUrls,
  serviceOf,
} from '../lib/service-env.ts';
import { repositoryRoot } from './support/run-program.ts';

const context: EnvContext = {
  stack: 'test',
  logLevel: 'info',
  shutdownTimeoutMs: 10_000,
  jwtIssuer: 'chat-platform',
  jwtAudience: 'chat-clients',
  corsOrigins: ['https://a.example.com', 'https://b.example.com'],
  redisKeyPrefix: 'chat:',
  kafkaTopics: {
    messages: 'chat.messages',
    receipts: 'chat.receipts',
    deadLetters: 'chat.messages.dlq',
  },
  kafkaGroupId: 'chat-persistence',
  s3Bucket: 'chat-media',
  s3Region: 'us-east-1',
  s3AccessKeyId: 'chat-storage',
  s3PublicEndpoint: 'https://media.example.com',
  trustedProxies: '172.30.10.0/24',
  jwtPreviousPublicKeys: [],
  messageReplicas: 3,
  endpoints: {
    redisUrl: 'redis://redis:6379',
    kafkaBrokers: 'kafka:9092',
    s3Endpoint: 'http://minio:9000',
    otlpEndpoint: 'http://otel-collector:4318',
  },
};

const shared = [
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_SEMCONV_STABILITY_OPT_IN',
];

describe('buildServiceEnvironment', () => {
  it.each([
    [
      'gateway',
      [
        'REDIS_URL',
        'REDIS_KEY_PREFIX',
        'JWT_ISSUER',
        'JWT_AUDIENCE',
        'JWKS_URL',
        'AUTH_URL',
        'USER_URL',
        'MESSAGE_URLS',
        'STORAGE_URL',
        'CORS_ORIGINS',
        'TRUSTED_PROXIES',
      ],
    ],
    ['user', ['DATABASE_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL']],
    [
      'auth',
      [
        'DATABASE_URL',
        'REDIS_URL',
        'REDIS_KEY_PREFIX',
        'JWT_PRIVATE_KEY',
        'JWT_ISSUER',
        'JWT_AUDIENCE',
      ],
    ],
    [
      'message-2',
      [
        'DATABASE_URL',
        'REDIS_URL',
        'REDIS_KEY_PREFIX',
        'KAFKA_BROKERS',
        'KAFKA_TOPIC_MESSAGES',
        'KAFKA_TOPIC_RECEIPTS',
        'JWT_ISSUER',
        'JWT_AUDIENCE',
        'JWKS_URL',
        'INSTANCE_ID',
      ],
    ],
    [
      'persistence',
      [
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'KAFKA_TOPIC_MESSAGES',
        'KAFKA_TOPIC_RECEIPTS',
        'KAFKA_TOPIC_DLQ',
        'KAFKA_GROUP_ID',
      ],
    ],
    [
      'storage',
      [
        'DATABASE_URL',
        'S3_ENDPOINT',
        'S3_PUBLIC_ENDPOINT',
        'S3_BUCKET',
        'S3_REGION',
        'S3_ACCESS_KEY_ID',
        'S3_SECRET_ACCESS_KEY',
        'JWT_ISSUER',
        'JWT_AUDIENCE',
        'JWKS_URL',
        'CORS_ORIGINS',
      ],
    ],
  ])('%s gets exactly its variables', (instance, own) => {
    const names = Object.keys(buildServiceEnvironment(instance, context)).sort();
    expect(names).toEqual([...shared, ...own].sort());
  });

  it('passes secrets by reference only', () => {
    const auth = buildServiceEnvironment('auth', context);
    expect(auth.JWT_PRIVATE_KEY).toEqual({ kind: 'secret', secret: 'jwtPrivateKey' });
    expect(auth.DATABASE_URL).toEqual({ kind: 'secret', secret: 'databaseUrl' });
    const storage = buildServiceEnvironment('storage', context);
    expect(storage.S3_SECRET_ACCESS_KEY).toEqual({ kind: 'secret', secret: 's3SecretAccessKey' });
  });

  it('names each message replica', () => {
    const environment = buildServiceEnvironment('message-3', context);
    expect(environment.INSTANCE_ID).toEqual({ kind: 'plain', value: 'message-3' });
    expect(environment.OTEL_SERVICE_NAME).toEqual({ kind: 'plain', value: 'message' });
    expect(environment.PORT).toEqual({ kind: 'plain', value: '8083' });
    expect(environment.OTEL_RESOURCE_ATTRIBUTES).toEqual({
      kind: 'plain',
      value: 'service.instance.id=message-3,deployment.environment.name=test',
    });
  });

  it('lists every message replica for the gateway', () => {
    expect(buildServiceEnvironment('gateway', context).MESSAGE_URLS).toEqual({
      kind: 'plain',
      value: 'http://message-1:8083,http://message-2:8083,http://message-3:8083',
    });
    expect(messageUrls(1)).toEqual(['http://message-1:8083']);
  });

  it('publishes retired signing keys only when set', () => {
    expect(buildServiceEnvironment('auth', context).JWT_PREVIOUS_PUBLIC_KEYS).toBeUndefined();
    const retired = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n';
    const rotated = { ...context, jwtPreviousPublicKeys: [retired] };
    expect(buildServiceEnvironment('auth', rotated).JWT_PREVIOUS_PUBLIC_KEYS).toEqual({
      kind: 'plain',
      value: JSON.stringify([retired]),
    });
  });

  it('joins CORS origins with commas', () => {
    expect(buildServiceEnvironment('gateway', context).CORS_ORIGINS).toEqual({
      kind: 'plain',
      value: 'https://a.example.com,https://b.example.com',
    });
  });

  it('uses only variables of the configuration contract', () => {
    const contract = readFileSync(path.join(repositoryRoot, 'docs/configuration.md'), 'utf8');
    const documented = new Set(
      [...contract.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]),
    );
    // Standard OpenTelemetry SDK variables, read by the SDK rather than by service code.
    const standard = new Set(['OTEL_RESOURCE_ATTRIBUTES', 'OTEL_SEMCONV_STABILITY_OPT_IN']);
    for (const service of serviceCatalog) {
      for (const instance of instanceNames(service, 2)) {
        for (const name of Object.keys(buildServiceEnvironment(instance, context))) {
          expect(documented.has(name) || standard.has(name), `${instance}: ${name}`).toBe(true);
        }
      }
    }
  });

  it('uses the ports of the configuration contract', () => {
    const ports = Object.fromEntries(serviceCatalog.map((service) => [service.name, service.port]));
    expect(ports).toEqual({
      gateway: 8080,
      auth: 8081,
      user: 8082,
      message: 8083,
      persistence: 8085,
      storage: 8086,
    });
  });
});

describe('instance names', () => {
  it.each([
    ['message-12', 'message'],
    ['gateway', 'gateway'],
    ['auth', 'auth'],
  ])('%s belongs to %s', (instance, service) => {
    expect(serviceOf(instance)).toBe(service);
  });

  it('numbers only replicated services', () => {
    expect(instanceNames(findService('message'), 2)).toEqual(['message-1', 'message-2']);
    expect(instanceNames(findService('auth'), 2)).toEqual(['auth']);
  });
});
