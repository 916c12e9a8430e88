import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import { findFreePort } from '../ports.ts';
import type { S3Settings, ServiceName } from '../types.ts';
import { loopbackMysqlUrl, loopbackRedisUrl } from '../urls.ts';

/** The images the devstack runs when a Docker engine is available. */
export const containerImages: Record<ServiceName, string> = {
  mysql: 'mysql:8.4',
  redis: 'redis:7',
  kafka: 'apache/kafka:4.1.1',
  // NOTE: MinIO publishes no major-version tags, so this follows the latest release.
  s3: 'minio/minio:latest',
};

/** A started container that passed its wait strategy, with the settings clients need. */
export interface StartedServiceContainer {
  container: StartedTestContainer;
  address: string;
  mysqlUrl?: string;
  redisUrl?: string;
  kafkaBrokers?: string[];
  s3?: S3Settings;
}

/**
 * Starts the container of one service. With `hostPort` the service is published on that
 * port (shared mode), and without it on a free one.
 *
 * Shared mode must set `TESTCONTAINERS_RYUK_DISABLED=true` before the first Testcontainers
 * call, or the containers are removed when the CLI exits.
 */
export async function startServiceContainer(
  service: ServiceName,
  options: { hostPort?: number; s3?: Omit<S3Settings, 'endpoint'> },
): Promise<StartedServiceContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const hostPort = options.hostPort ?? (await findFreePort());

  switch (service) {
    case 'redis': {
      const container = await publish(new GenericContainer(containerImages.redis), 6379, hostPort)
        .withCommand(['redis-server', '--appendonly', 'yes'])
        .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
        .start();
      return { container, address: `127.0.0.1:${hostPort}`, redisUrl: loopbackRedisUrl(hostPort) };
    }
    case 'mysql': {
      const container = await publish(new GenericContainer(containerImages.mysql), 3306, hostPort)
        .withEnvironment({ MYSQL_ALLOW_EMPTY_PASSWORD: 'yes', MYSQL_ROOT_HOST: '%' })
        .withCommand(['--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci'])
        // The image first runs a temporary server without networking, then the real one.
        .withWaitStrategy(Wait.forLogMessage(/ready for connections.*port: 3306/))
        .withStartupTimeout(180_000)
        .start();
      return {
        container,
        address: `127.0.0.1:${hostPort}`,
        mysqlUrl: loopbackMysqlUrl(hostPort, 'chat'),
      };
    }
    case 'kafka':
      return await startKafkaContainer(hostPort);
    case 's3':
      return await startMinioContainer(hostPort, options.s3);
  }
}

function publish(
  container: GenericContainer,
  containerPort: number,
  hostPort: number,
): GenericContainer {
  return container.withExposedPorts({ container: containerPort, host: hostPort });
}

/**
 * Kafka advertises the address clients must reconnect to, so the host port is fixed before
 * start and advertised as 127.0.0.1.
 */
async function startKafkaContainer(hostPort: number): Promise<StartedServiceContainer> {
  // NOTE: with a remote DOCKER_HOST the advertised 127.0.0.1 address is not reachable.
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await publish(new GenericContainer(containerImages.kafka), 9092, hostPort)
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage('Kafka Server started'))
    .withStartupTimeout(120_000)
    .start();
  return { container, address: `127.0.0.1:${hostPort}`, kafkaBrokers: [`127.0.0.1:${hostPort}`] };
}

/** MinIO serves the S3 API with CORS open to every origin by default. */
async function startMinioContainer(
  hostPort: number,
  s3: Omit<S3Settings, 'endpoint'> | undefined,
): Promise<StartedServiceContainer> {
  if (s3 === undefined) throw new Error('startServiceContainer(s3) needs credentials');
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await publish(new GenericContainer(containerImages.s3), 9000, hostPort)
    .withEnvironment({ MINIO_ROOT_USER: s3.accessKeyId, MINIO_ROOT_PASSWORD: s3.secretAccessKey })
    .withCommand(['server', '/data', '--address', ':9000'])
    .withWaitStrategy(Wait.forHttp('/minio/health/live', 9000))
    .start();
  const endpoint = `http://127.0.0.1:${hostPort}`;
  return { container, address: endpoint, s3: { ...s3, endpoint } };
}

/** Stops and removes a container by id, for `stopBackingServices` in a later process. */
export async function removeContainer(id: string): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(id);
  await client.container.stop(container, { timeout: 10 });
  await client.container.remove(container, { removeVolumes: true });
}
