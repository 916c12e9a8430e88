import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { StackSecrets } from '../config/secrets.ts';
import { publicUrl, type StackSettings } from '../config/settings.ts';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { serviceImageReference } from '../lib/images.ts';
import { type ServiceName, serviceCatalog } from '../lib/service-catalog.ts';
import type { EnvContext } from '../lib/service-env.ts';
import { ChatService } from './chat-service.ts';
import { DockerNetworks } from './docker-networks.ts';
import type { AppImageSource } from './docker-resources.ts';
import { EdgeProxy } from './edge-proxy.ts';
import { Kafka } from './kafka.ts';
import { Migration } from './migration.ts';
import { Mysql } from './mysql.ts';
import { ObjectStorage } from './object-storage.ts';
import { fluentForwardAddress, Observability } from './observability.ts';
import { Redis } from './redis.ts';
import { WebContainer } from './web-container.ts';

/** Arguments of {@link Platform}. */
export interface PlatformArgs {
  /** Stack name, recorded as the deployment environment of telemetry. */
  stack: string;
  /** Validated stack settings; plain because they decide which resources exist. */
  settings: StackSettings;
  /** Secrets of the stack. */
  secrets: StackSecrets;
  /** Repository root, for observability configs and local image builds. */
  repositoryRoot: string;
}

/** Bucket of the chat media. */
export const mediaBucket = 'chat-media';
/** Access key id of the storage service's MinIO account. */
export const storageAccessKey = 'chat-storage';
/**
 * Fixed range of the edge network. Traefik reaches the gateway from it, so the gateway
 * believes X-Forwarded-For only from this range.
 * NOTE: a Docker network that already uses this range on the host makes the edge network
 * fail to create; change the constant in that case.
 */
export const edgeSubnet = '172.30.10.0/24';

/**
 * Everything that runs on one Docker engine: networks, the edge proxy, Kafka, Redis, MySQL,
 * MinIO, the observability stack, the migration job and the platform services. Stacks give
 * it a Docker provider through `providers`.
 */
export class Platform extends pulumi.ComponentResource {
  public readonly gatewayUrl: string;
  public readonly mediaUrl: string;
  public readonly grafanaUrl: string;
  /** URL of the web container; absent when the web app is not run here. */
  public readonly webUrl?: string;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Platform', name, {}, opts);
    const { settings, secrets } = args;
    const child = { parent: this };
    const urlOf = (host: string) => publicUrl(settings, host);
    const placement: ContainerPlacement = {
      platform: settings.platform,
      logging: { kind: 'fluentd', address: fluentForwardAddress },
    };
    const memory = (role: string) => settings.memoryMb[role] ?? 256;

    const networks = new DockerNetworks(`${name}-networks`, { prefix: 'chat', edgeSubnet }, child);
    const edge = new EdgeProxy(
      `${name}-edge`,
      {
        placement,
        edgeNetworkName: networks.edgeName,
        edgeNetwork: networks.edgeNetwork,
        ports: settings.edgePorts,
        ...(settings.tls && { tls: settings.tls }),
        ...(settings.hosts.dashboard && {
          dashboardHost: settings.hosts.dashboard,
          ...(secrets.traefikDashboardUsers && { dashboardUsers: secrets.traefikDashboardUsers }),
        }),
        memoryMb: memory('traefik'),
      },
      child,
    );
    const internal = networks.internalName;

    const observability = new Observability(
      `${name}-observability`,
      {
        placement,
        internalNetworkName: internal,
        edgeNetworkName: networks.edgeName,
        edge: edge.entry,
        configDirectory: path.join(args.repositoryRoot, 'observability'),
        grafanaHost: settings.hosts.grafana,
        grafanaUrl: urlOf(settings.hosts.grafana),
        grafanaAdminPassword: secrets.grafanaAdminPassword,
        environment: args.stack,
        memoryMb: settings.memoryMb,
      },
      child,
    );

    const topics = {
      messages: 'chat.messages',
      receipts: 'chat.receipts',
      deadLetters: 'chat.messages.dlq',
    };
    const kafka = new Kafka(
      `${name}-kafka`,
      {
        placement,
        internalNetworkName: internal,
        clusterId: settings.kafka.clusterId,
        topics: [
          { name: topics.messages, partitions: settings.kafka.partitions },
          { name: topics.receipts, partitions: settings.kafka.partitions },
          // Dead letters are read by operators, not by consumers in parallel; keep them 30 days.
          { name: topics.deadLetters, partitions: 1, retentionMs: 30 * 24 * 3600 * 1000 },
        ],
        memoryMb: memory('kafka'),
        setupMemoryMb: memory('one-shot'),
      },
      child,
    );
    const redis = new Redis(
      `${name}-redis`,
      { placement, internalNetworkName: internal, memoryMb: memory('redis') },
      child,
    );
    const mysql = new Mysql(
      `${name}-mysql`,
      {
        placement,
        internalNetworkName: internal,
        rootPassword: secrets.mysqlRootPassword,
        appPassword: secrets.mysqlAppPassword,
        memoryMb: memory('mysql'),
      },
      child,
    );
    const storage = new ObjectStorage(
      `${name}-object-storage`,
      {
        placement,
        internalNetworkName: internal,
        edgeNetworkName: networks.edgeName,
        edge: edge.entry,
        publicHost: settings.hosts.media,
        publicUrl: urlOf(settings.hosts.media),
        bucket: mediaBucket,
        corsOrigins: settings.webOrigins,
        rootUser: secrets.minioRootUser,
        rootPassword: secrets.minioRootPassword,
        serviceAccessKey: storageAccessKey,
        serviceSecretKey: secrets.minioStorageSecretKey,
        memoryMb: memory('minio'),
        setupMemoryMb: memory('one-shot'),
      },
      child,
    );

    const migration = new Migration(
      `${name}-migration`,
      {
        placement,
        image: appImage(args, 'migrate'),
        internalNetworkName: internal,
        databaseUrl: mysql.databaseUrl,
        logLevel: settings.logLevel,
        database: mysql.server,
        memoryMb: memory('migrate'),
      },
      child,
    );

    this.gatewayUrl = urlOf(settings.hosts.gateway);
    this.mediaUrl = storage.publicEndpoint;
    this.grafanaUrl = observability.grafanaUrl;

    const environment: EnvContext = {
      stack: args.stack,
      logLevel: settings.logLevel,
      shutdownTimeoutMs: 10_000,
      jwtIssuer: settings.jwt.issuer,
      jwtAudience: settings.jwt.audience,
      corsOrigins: settings.webOrigins,
      redisKeyPrefix: 'chat:',
      kafkaTopics: topics,
      kafkaGroupId: 'chat-persistence',
      s3Bucket: mediaBucket,
      s3Region: 'us-east-1',
      s3AccessKeyId: storageAccessKey,
      s3PublicEndpoint: storage.publicEndpoint,
      trustedProxies: edgeSubnet,
      jwtPreviousPublicKeys: settings.jwt.previousPublicKeys,
      messageReplicas: settings.messageReplicas,
      endpoints: {
        redisUrl: redis.url,
        kafkaBrokers: kafka.brokers,
        s3Endpoint: storage.internalEndpoint,
        otlpEndpoint: observability.otlpEndpoint,
      },
    };
    const setup = {
      schema: migration.succeeded,
      topics: kafka.topicsReady,
      bucket: storage.setupDone,
    };

    const started: ChatService[] = [];
    for (const definition of serviceCatalog) {
      const service = new ChatService(
        `${name}-${definition.name}`,
        {
          service: definition.name,
          replicas: definition.replicated ? settings.messageReplicas : 1,
          placement,
          image: appImage(args, definition.name),
          internalNetworkName: internal,
          environment,
          secrets: {
            databaseUrl: mysql.databaseUrl,
            jwtPrivateKey: secrets.jwtPrivateKey,
            s3SecretAccessKey: secrets.minioStorageSecretKey,
          },
          ...(definition.name === 'gateway' && {
            exposure: {
              edge: edge.entry,
              edgeNetworkName: networks.edgeName,
              host: settings.hosts.gateway,
            },
          }),
          // The gateway starts last so that its readiness check finds its upstreams.
          dependsOn:
            definition.name === 'gateway'
              ? [...started]
              : definition.startsAfter.map((step) => setup[step]),
          memoryMb: memory(definition.name),
        },
        child,
      );
      started.push(service);
    }

    if (settings.web.mode === 'container' && settings.hosts.web !== undefined) {
      const web = new WebContainer(
        `${name}-web`,
        {
          placement,
          image: appImage(args, 'web'),
          edgeNetworkName: networks.edgeName,
          edge: edge.entry,
          host: settings.hosts.web,
          url: urlOf(settings.hosts.web),
          gatewayUrl: this.gatewayUrl,
          memoryMb: memory('web'),
        },
        child,
      );
      this.webUrl = web.url;
    }

    this.registerOutputs({
      gatewayUrl: this.gatewayUrl,
      mediaUrl: this.mediaUrl,
      grafanaUrl: this.grafanaUrl,
    });
  }
}

/**
 * Returns where a platform image comes from: the registry with the configured tag, or a
 * local BuildKit build of the repository when `images.build` is set.
 */
function appImage(args: PlatformArgs, name: ServiceName | 'migrate' | 'web'): AppImageSource {
  const { images } = args.settings;
  const reference = serviceImageReference(images.registry, name, images.tag);
  if (!images.build) return { kind: 'registry', reference };
  return {
    kind: 'build',
    imageName: reference,
    context: args.repositoryRoot,
    dockerfile: name === 'web' ? 'web/Dockerfile' : 'Dockerfile',
    buildArgs: name === 'web' ? {} : { SERVICE: name },
  };
}
